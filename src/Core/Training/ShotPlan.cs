using QD3PM.Core.Circuits;

namespace QD3PM.Core.Training;

/// <summary>
/// The circuits one shot-based work item runs: per loss term the unshifted circuit (its counts estimate the model
/// distribution p and so the loss weights w = dL/dp; identical for every parameter block of the sample, so a QPU
/// client can share it between blocks) and, per parametrised gate of the block, the circuit with that gate's angle
/// shifted up and down. Every circuit measures the data qubits 0..N-1 into c[0..N-1] (the ancilla is never
/// measured: tracing it out is simply not looking at it).
/// </summary>
public sealed class ShotPlan(long step, int sample, ParameterRange block, int measuredBits, IReadOnlyList<Circuit> baseCircuits,
    IReadOnlyList<double[]> targets, IReadOnlyList<Circuit> shiftedCircuits, IReadOnlyList<ShiftPair> pairs)
{
    public long Step { get; } = step;
    public int Sample { get; } = sample;
    public ParameterRange Block { get; } = block;

    /// <summary>Classical bits per circuit (the data bits N).</summary>
    public int MeasuredBits { get; } = measuredBits;

    /// <summary>Unshifted circuits, one per loss term.</summary>
    public IReadOnlyList<Circuit> BaseCircuits { get; } = baseCircuits;

    /// <summary>Target distribution of each loss term.</summary>
    public IReadOnlyList<double[]> Targets { get; } = targets;

    public IReadOnlyList<Circuit> ShiftedCircuits { get; } = shiftedCircuits;
    public IReadOnlyList<ShiftPair> Pairs { get; } = pairs;

    public int CircuitCount => BaseCircuits.Count + ShiftedCircuits.Count;
}
