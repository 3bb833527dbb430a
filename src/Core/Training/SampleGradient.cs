namespace QD3PM.Core.Training;

/// <summary>
/// What one work item returns: the loss of one training sample and the gradient of that loss with respect to
/// the parameters of one block (Gradient[i] belongs to parameter Block.Start + i), plus how many circuit
/// evaluations it took (for throughput metrics).
/// </summary>
public sealed record SampleGradient(int Sample, ParameterRange Block, double Loss, double[] Gradient, long CircuitEvaluations)
{
    /// <summary>Shots of the QPU jobs this item owns (0 on simulators): what the run's QPU budget counts.</summary>
    public long QpuShots { get; init; }

    /// <summary>What the QPU billed for those jobs, in the backend's currency (0 on simulators).</summary>
    public double QpuCost { get; init; }
}
