namespace QD3PM.Core.Training;

/// <summary>
/// A problem whose gradients can be estimated from measurement counts (what a QPU returns): it lists the circuits
/// one work item needs (<see cref="PlanShots"/>) and turns their counts into the item's loss and gradient
/// (<see cref="EstimateFromCounts"/>). Deterministic and thread-safe like <see cref="IGradientProblem.Evaluate"/>.
/// </summary>
public interface IShotGradientProblem
{
    /// <summary>The circuits of one (step, sample, block) item: the unshifted ones and the ± shifted pairs.</summary>
    ShotPlan PlanShots(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block);

    /// <summary>
    /// Loss and gradient from the counts of <see cref="ShotPlan.BaseCircuits"/> and <see cref="ShotPlan.ShiftedCircuits"/>
    /// (same order; keys are measured bitstrings, highest bit leftmost).
    /// </summary>
    SampleGradient EstimateFromCounts(ShotPlan plan, IReadOnlyList<IReadOnlyDictionary<string, int>> baseCounts,
        IReadOnlyList<IReadOnlyDictionary<string, int>> shiftedCounts);

    /// <summary>Per-pair standard deviation of the gradient estimate for one shot per circuit (for adaptive shots).</summary>
    double[] PairDeviations(ShotPlan plan, IReadOnlyList<IReadOnlyDictionary<string, int>> baseCounts,
        IReadOnlyList<IReadOnlyDictionary<string, int>> shiftedCounts);
}
