using QD3PM.Core.Training;

namespace QD3PM.Seed.Reproduce;

/// <summary>One training run of the reproduce suite: a spec and the label it carries in the report.</summary>
public sealed record Experiment(string Label, TrainingSpec Spec, string Group)
{
    /// <summary>Experiments of the main table.</summary>
    public const string TableGroup = "table";

    /// <summary>Experiments of the KL-against-dimension figure (ghz:N).</summary>
    public const string ScalingGroup = "scaling";

    /// <summary>Experiments of the KL-against-noise table and figure (depolarizing p, BAS 2x2 and 3x3).</summary>
    public const string NoiseGroup = "noise";
}
