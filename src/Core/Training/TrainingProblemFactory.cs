using QD3PM.Core.Baselines;
using QD3PM.Core.Data;

namespace QD3PM.Core.Training;

/// <summary>Builds the gradient problem of a spec (every node of a cluster uses the same function).</summary>
public static class TrainingProblemFactory
{
    public const string QD3PM = "qd3pm";
    public const string FactorizedQuantum = "factorized-quantum";
    public const string ClassicalD3pm = "classical-d3pm";

    public static IReadOnlyList<string> Models { get; } = [QD3PM, FactorizedQuantum, ClassicalD3pm];

    /// <summary>Throws <see cref="ArgumentException"/> or <see cref="DataSetException"/> for a spec it cannot build.</summary>
    public static IGradientProblem Create(TrainingSpec spec)
    {
        var data = DataSets.Parse(spec.Dataset, (int)spec.Seed);
        return spec.Model.ToLowerInvariant() switch
        {
            QD3PM => new QD3PMProblem(spec, data),
            FactorizedQuantum => new FactorizedDiffusionProblem(spec, data, new BitCircuitDenoiser(data.BitCount, spec.Layers, spec.TimeSteps)),
            ClassicalD3pm => new FactorizedDiffusionProblem(spec, data, new MlpDenoiser(data.BitCount, spec.TimeSteps)),
            _ => throw new ArgumentException($"unknown model '{spec.Model}' ({string.Join(", ", Models)})"),
        };
    }
}
