namespace QD3PM.Core.Training;

/// <summary>How a shot-based item spreads its shots over circuits (`--shot-policy`; names uniform, adaptive).</summary>
public enum ShotPolicy
{
    /// <summary>Every circuit gets <see cref="TrainingSpec.Shots"/>.</summary>
    Uniform,

    /// <summary>A pilot round, then the rest where the gradient variance is largest (<see cref="AdaptiveShots"/>).</summary>
    Adaptive,
}
