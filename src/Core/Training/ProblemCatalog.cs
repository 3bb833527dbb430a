using QD3PM.Core.Baselines;
using QD3PM.Core.Data;

namespace QD3PM.Core.Training;

/// <summary>
/// The models a process can train, by name, and the one function that turns a spec into its gradient problem.
/// <see cref="Paper"/> holds the paper's models; a node adds its stand-in workloads with <see cref="With"/>.
/// Every node of a cluster must use the same catalog (same binary).
/// </summary>
public sealed class ProblemCatalog
{
    public const string Qd3pm = "qd3pm";
    public const string FactorizedQuantum = "factorized-quantum";
    public const string ClassicalD3pm = "classical-d3pm";

    private readonly IReadOnlyList<(string Model, Func<TrainingSpec, IGradientProblem> Build)> _models;

    private ProblemCatalog(IReadOnlyList<(string, Func<TrainingSpec, IGradientProblem>)> models) => _models = models;

    /// <summary>QD3PM and the two factorised baselines the paper compares it with.</summary>
    public static ProblemCatalog Paper { get; } = new ProblemCatalog([])
        .With(Qd3pm, spec => new QD3PMProblem(spec, Data(spec)))
        .With(FactorizedQuantum, spec =>
        {
            var data = Data(spec);
            return new FactorizedDiffusionProblem(spec, data, new BitCircuitDenoiser(data.BitCount, spec.Layers, spec.TimeSteps));
        })
        .With(ClassicalD3pm, spec =>
        {
            var data = Data(spec);
            return new FactorizedDiffusionProblem(spec, data, new MlpDenoiser(data.BitCount, spec.TimeSteps));
        });

    public IReadOnlyList<string> Models => _models.Select(m => m.Model).ToList();

    /// <summary>This catalog plus (or with a new builder for) <paramref name="model"/>.</summary>
    public ProblemCatalog With(string model, Func<TrainingSpec, IGradientProblem> build) =>
        new([.. _models.Where(m => m.Model != model), (model, build)]);

    /// <summary>
    /// Validates <paramref name="spec"/> and builds its problem. Everything wrong with the spec, including its data set
    /// (a bad bas:MxN, an unreadable file:PATH), is an <see cref="InvalidSpecException"/>.
    /// </summary>
    public IGradientProblem Build(TrainingSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        var model = spec.Model.Trim().ToLowerInvariant();
        var entry = _models.FirstOrDefault(m => m.Model == model);
        if (entry.Build is null)
            throw new InvalidSpecException($"unknown model '{spec.Model}' (expected: {string.Join(", ", Models)})");
        try
        {
            return entry.Build(spec);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidSpecException(ex.Message, ex);
        }
    }

    private static DataSet Data(TrainingSpec spec) => DataSets.Parse(spec.Dataset, (int)spec.Seed);
}
