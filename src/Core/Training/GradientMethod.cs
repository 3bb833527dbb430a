namespace QD3PM.Core.Training;

/// <summary>How a work item computes its gradient contribution.</summary>
public enum GradientMethod
{
    /// <summary>Adjoint differentiation on an exact simulator: one forward and one backward sweep.</summary>
    Adjoint,

    /// <summary>Parameter-shift rule: two extra circuit evaluations per parameter (what hardware can run).</summary>
    Shift,

    /// <summary>
    /// Simultaneous perturbation (SPSA, <see cref="SpsaEstimator"/>): two circuit runs per sample and loss term whatever
    /// the parameter count, along a random ±1 direction drawn from (seed, step, sample).
    /// </summary>
    Spsa,

    /// <summary>
    /// Parameter shift on a random subset of <see cref="TrainingSpec.SubsetSize"/> parameters per sample, scaled by
    /// P/k so the estimate stays unbiased (<see cref="SubsetShiftEstimator"/>).
    /// </summary>
    ShiftSubset,
}
