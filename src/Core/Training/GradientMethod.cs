namespace QD3PM.Core.Training;

/// <summary>How a work item computes its gradient contribution.</summary>
public enum GradientMethod
{
    /// <summary>Adjoint differentiation on an exact simulator: one forward and one backward sweep.</summary>
    Adjoint,

    /// <summary>Parameter-shift rule: two extra circuit evaluations per parameter (what hardware can run).</summary>
    Shift,
}
