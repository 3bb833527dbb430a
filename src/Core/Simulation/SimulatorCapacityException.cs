namespace QD3PM.Core.Simulation;

/// <summary>Thrown before allocating a state that is too large for the simulator or for this machine's memory.</summary>
public sealed class SimulatorCapacityException(string message, int qubits, long requiredBytes, long availableBytes)
    : Exception(message)
{
    public int Qubits { get; } = qubits;
    public long RequiredBytes { get; } = requiredBytes;
    public long AvailableBytes { get; } = availableBytes;
}
