using QD3PM.Core.Circuits;

namespace QD3PM.Core.Training;

/// <summary>The part of a <see cref="CircuitPlan"/> that belongs to one sample: its circuits and its estimator.</summary>
public abstract class PlanSegment(int sample, IReadOnlyList<Circuit> circuits)
{
    public int Sample { get; } = sample;
    public IReadOnlyList<Circuit> Circuits { get; } = circuits;

    /// <summary>Adds the segment's gradient into <paramref name="gradient"/> (all parameters) and returns the loss it carries.</summary>
    public abstract double Accumulate(QD3PMProblem problem, IReadOnlyList<double[]> frequencies, int shots, double[] gradient);
}
