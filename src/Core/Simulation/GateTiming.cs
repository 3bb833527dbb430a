namespace QD3PM.Core.Simulation;

/// <summary>
/// One row of the gate benchmark: the mean time of one gate application over the measured placements, the time of
/// one copy of the same state buffer measured in the same run, and their ratio. Times are the minimum over repeats.
/// </summary>
public sealed record GateTiming(
    string Gate, int Qubits, int Threads, double GateNanoseconds, double CopyNanoseconds,
    IReadOnlyDictionary<string, double> PlacementNanoseconds)
{
    public double Ratio => GateNanoseconds / CopyNanoseconds;
}
