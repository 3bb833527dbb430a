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

    /// <summary>
    /// Shots per circuit at the last step (`--final-shots`): the shots ramp geometrically from <see cref="Shots"/> at step 0
    /// to this (<see cref="ShotSchedule"/>). Null: <see cref="Shots"/> at every step. Left out of the JSON when null.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FinalShots { get; init; }

    /// <summary>How shot-based items spread their shots. Left out of the JSON at its default.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public ShotPolicy ShotPolicy { get; init; }

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

    /// <summary>How multi-step terms draw t (<see cref="Training.TimeSampling"/>). Left out of the JSON at its default (uniform), as before the field existed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public TimeSampling TimeSampling { get; init; }

    /// <summary>
    /// Depolarizing probability p after every gate on each qubit it touches (the simulator's noise model), in training and
    /// in the trained model (Pauli trajectories; see <see cref="QD3PMProblem"/>). 0: noiseless. Left out of the JSON at 0.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public double Noise { get; init; }

    /// <summary>Which steps use the QPU (<see cref="Training.QpuSchedule"/>: last:K, first:K, every:K); null: every step.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? QpuSchedule { get; init; }

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
        Defined(TimeSampling, "time sampling");
        if (!(Noise >= 0 && Noise < 1)) Invalid($"the depolarizing noise must be in [0, 1), not {Noise}");
        if (Noise > 0 && (Gradient != GradientMethod.Adjoint || Shots > 0))
            Invalid("depolarizing noise trains with --gradient adjoint and exact probabilities (Pauli trajectories), not with shots or other gradients");
        if (Layers < 1) Invalid("layers must be at least 1");
        if (TimeSteps < 2) Invalid("timesteps must be at least 2");
        if (Steps < 1) Invalid("steps must be at least 1");
        if (Batch < 1) Invalid("batch must be at least 1");
        if (!double.IsFinite(LearningRate) || LearningRate <= 0) Invalid($"the learning rate must be a positive number, not {LearningRate}");
        if (!double.IsFinite(FinalLearningRate) || FinalLearningRate < 0) Invalid($"the final learning rate must be a number >= 0, not {FinalLearningRate}");
        if (Shots < 0) Invalid("shots must not be negative");
        if (FinalShots is { } finalShots && (finalShots < 1 || Shots < 1))
            Invalid($"a shot schedule needs shots and final shots of at least 1, not {Shots} and {finalShots}");
        if (SpsaPerturbation is { } c && !(c > 0 && c < Math.PI)) Invalid($"the SPSA perturbation must be in (0, π) radians, not {c}");
        if (SubsetSize is < 1) Invalid("the shift subset size must be at least 1");
        if (JobCircuits is < 1) Invalid("circuits per job must be at least 1");
        if (QpuSchedule is not null) Training.QpuSchedule.Parse(QpuSchedule);
        if (ShotPolicy == ShotPolicy.Adaptive && (Gradient is GradientMethod.Spsa or GradientMethod.ShiftSubset || JobCircuits is not null))
            Invalid("adaptive shots work with unpacked parameter-shift items only (not with spsa, shift-subset or --job-circuits)");
        return this;
    }

    private static void Defined<T>(T value, string what) where T : struct, Enum
    {
        if (!Enum.IsDefined(value)) Invalid($"unknown {what} {value}");
    }

    private static void Invalid(string reason) => throw new InvalidSpecException(reason);
}
