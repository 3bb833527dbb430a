using QD3PM.Core.Circuits;

namespace QD3PM.Core.Training;

/// <summary>
/// The circuits a range of gradient units needs (<see cref="UnitLayout.Plan"/>) and how their outcome frequencies become
/// the range's loss and gradient. One plan is one work item and, on a QPU, one job (or a few when the backend takes
/// fewer circuits): the circuits depend only on (spec, step, parameters, units), so every worker that computes the
/// item sends the same circuits. Every circuit measures the data qubits 0..N-1 into c[0..N-1].
/// </summary>
public sealed class CircuitPlan
{
    public CircuitPlan(long step, UnitRange units, int measuredBits, int parameterCount, IReadOnlyList<PlanSegment> segments)
    {
        Step = step;
        Units = units;
        MeasuredBits = measuredBits;
        ParameterCount = parameterCount;
        Segments = segments;
        var circuits = new List<Circuit>();
        foreach (var segment in segments) circuits.AddRange(segment.Circuits);
        Circuits = circuits;
    }

    public long Step { get; }
    public UnitRange Units { get; }
    public int MeasuredBits { get; }
    public int ParameterCount { get; }
    public IReadOnlyList<PlanSegment> Segments { get; }

    /// <summary>All circuits, segment by segment.</summary>
    public IReadOnlyList<Circuit> Circuits { get; }

    /// <summary>
    /// Loss (of the samples whose loss this plan carries) and gradient over all parameters from the frequencies of
    /// <see cref="Circuits"/> (same order). <paramref name="shots"/>: shots behind each frequency vector (0: exact).
    /// </summary>
    public SampleGradient Estimate(QD3PMProblem problem, IReadOnlyList<double[]> frequencies, int shots)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (frequencies.Count != Circuits.Count)
            throw new ArgumentException($"expected frequencies of {Circuits.Count} circuits, got {frequencies.Count}");
        var gradient = new double[ParameterCount];
        double loss = 0;
        int offset = 0;
        foreach (var segment in Segments)
        {
            var slice = new ArraySegment<double[]>([.. frequencies.Skip(offset).Take(segment.Circuits.Count)]);
            loss += segment.Accumulate(problem, slice, shots, gradient);
            offset += segment.Circuits.Count;
        }
        return new SampleGradient(Units.Start, ParameterRange.All(ParameterCount), loss, gradient, Circuits.Count);
    }
}
