using QD3PM.Core.Data;

namespace QD3PM.Core.Training;

/// <summary>Builds the gradient problem of a spec (every node of a cluster uses the same function).</summary>
public static class TrainingProblemFactory
{
    public const string QD3PM = "qd3pm";

    /// <summary>Throws <see cref="ArgumentException"/> or <see cref="DataSetException"/> for a spec it cannot build.</summary>
    public static IGradientProblem Create(TrainingSpec spec) => spec.Model.ToLowerInvariant() switch
    {
        QD3PM => new QD3PMProblem(spec, DataSets.Parse(spec.Dataset, (int)spec.Seed)),
        _ => throw new ArgumentException($"model '{spec.Model}' is not available (built in: {QD3PM})"),
    };
}
