using System.Text.Json.Serialization;
using QD3PM.Core.Diffusion;

namespace QD3PM.Core.Training;

/// <summary>
/// Everything that defines a training run, and nothing else: two runs with equal specs produce bit-identical
/// parameters, however their gradient work is distributed, so record equality is the run's identity. Reporting
/// settings (how often the client evaluates KL) are not part of it. Serialised by <see cref="TrainingSpecJson"/> into
/// spec.json, model.json, the journal and cluster messages; checked by <see cref="Validate"/> (field values) and
/// <see cref="ProblemCatalog.Build"/> (model and data set), both throwing <see cref="InvalidSpecException"/>.
/// </summary>
public sealed record TrainingSpec
{
    /// <summary>Data set: bas:MxN, gaussian:N, ghz:N or file:PATH.</summary>
    public string Dataset { get; init; } = "bas:2x2";

    /// <summary>A model of the <see cref="ProblemCatalog"/>: qd3pm, factorized-quantum, classical-d3pm, ...</summary>
    public string Model { get; init; } = ProblemCatalog.Qd3pm;

    public DiffusionMode Mode { get; init; } = DiffusionMode.MultiStep;

    /// <summary>Which qubit pairs get a trainable ZZ in every layer.</summary>
    public Entangler Entangler { get; init; } = Entangler.AllToAll;

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

    /// <summary>Which workers compute the run's items. Left out of the JSON at its default, as before the field existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public BackendPolicy BackendPolicy { get; init; }

    /// <summary>How shot-based items spread their shots. Left out of the JSON at its default.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ShotPolicy ShotPolicy { get; init; }

    /// <summary>The rules every spec obeys whatever its model; <see cref="InvalidSpecException"/> names the first broken one.</summary>
    public TrainingSpec Validate()
    {
        if (string.IsNullOrWhiteSpace(Dataset)) Invalid("a data set is required (e.g. bas:2x2)");
        if (string.IsNullOrWhiteSpace(Model)) Invalid("a model is required (e.g. qd3pm)");
        Defined(Mode, "mode");
        Defined(Entangler, "entangler");
        Defined(Gradient, "gradient method");
        Defined(BackendPolicy, "backend policy");
        Defined(ShotPolicy, "shot policy");
        if (Layers < 1) Invalid("layers must be at least 1");
        if (TimeSteps < 2) Invalid("timesteps must be at least 2");
        if (Steps < 1) Invalid("steps must be at least 1");
        if (Batch < 1) Invalid("batch must be at least 1");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0) Invalid($"the learning rate must be a positive number, not {LearningRate}");
        if (!double.IsFinite(FinalLearningRate) || FinalLearningRate < 0) Invalid($"the final learning rate must be a number >= 0, not {FinalLearningRate}");
        if (Shots < 0) Invalid("shots must not be negative");
        return this;
    }

    private static void Defined<T>(T value, string what) where T : struct, Enum
    {
        if (!Enum.IsDefined(value)) Invalid($"unknown {what} {value}");
    }

    private static void Invalid(string reason) => throw new InvalidSpecException(reason);
}
