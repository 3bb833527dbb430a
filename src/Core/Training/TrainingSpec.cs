using System.Text.Json.Serialization;

namespace QD3PM.Core.Training;

/// <summary>
/// Everything that defines a training run. Two runs with equal specs produce bit-identical parameters,
/// however their gradient work is distributed. Serialised as JSON into model.json and cluster messages.
/// </summary>
public sealed record TrainingSpec
{
    /// <summary>Data set: bas:MxN, gaussian:N, ghz:N or file:PATH.</summary>
    public string Dataset { get; init; } = "bas:2x2";

    /// <summary>qd3pm | factorized-quantum | classical-d3pm.</summary>
    public string Model { get; init; } = "qd3pm";

    /// <summary>multi-step | single-step.</summary>
    public string Mode { get; init; } = "multi-step";

    /// <summary>all-to-all | star | chain.</summary>
    public string Entangler { get; init; } = "all-to-all";

    public int Layers { get; init; } = 8;
    public int TimeSteps { get; init; } = 30;
    public int Steps { get; init; } = 6000;
    public int Batch { get; init; } = 16;
    public double LearningRate { get; init; } = 1e-3;
    public double FinalLearningRate { get; init; } = 1e-4;
    public long Seed { get; init; } = 1;
    public GradientMethod Gradient { get; init; } = GradientMethod.Adjoint;

    /// <summary>Shots per circuit for shot-based gradients; 0 means exact probabilities.</summary>
    public int Shots { get; init; }

    /// <summary>
    /// Which workers compute the run's items: sim-only (default, null), mixed or qpu-only (<see cref="BackendPolicies"/>).
    /// Left out of the JSON when null, so specs written before the field existed read back unchanged.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? BackendPolicy { get; init; }

    /// <summary>uniform (default, null): every circuit gets <see cref="Shots"/>; adaptive: see <see cref="AdaptiveShots"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ShotPolicy { get; init; }

    /// <summary>SPSA perturbation size c in radians (<see cref="GradientMethod.Spsa"/>; null: <see cref="SpsaEstimator.DefaultPerturbation"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? SpsaPerturbation { get; init; }

    /// <summary>Parameters per sample for <see cref="GradientMethod.ShiftSubset"/> (null: <see cref="SubsetShiftEstimator.DefaultSize"/>).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? SubsetSize { get; init; }

    /// <summary>
    /// Circuits per work item for hardware runs (`--job-circuits`): the step's circuits are laid out in items of at most this
    /// many, each one QPU job (<see cref="UnitLayout"/>). Null: one item per sample and parameter block.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? JobCircuits { get; init; }

    /// <summary>Evaluate KL every this many steps (0: only at the end).</summary>
    public int EvalEvery { get; init; } = 500;
}
