using QD3PM.Core.Data;
using QD3PM.Core.Training;

namespace QD3PM.Core.Metrics;

/// <summary>
/// The KL a run reports along the way (metrics.csv's kl column, `runs show`'s last KL): of the model with the given
/// parameters against the run's data set, exact when the model's distribution is computable (at most 10 bits),
/// otherwise from 2,000 samples drawn with a fixed seed; with the valid fraction where the data set defines one.
/// </summary>
public static class ProgressKl
{
    public const int Samples = 2000;

    /// <summary>Whether the problem is a generative model with a KL (not a benchmark or stand-in problem).</summary>
    public static bool Applies(IGradientProblem problem) => problem is QD3PMProblem or Baselines.FactorizedDiffusionProblem;

    public static (double Kl, double? ValidFraction) Evaluate(IGradientProblem problem, double[] parameters) =>
        Evaluate(problem, parameters, DataSets.Parse(problem.Spec.Dataset, (int)problem.Spec.Seed));

    /// <param name="sampleSeed">Seed of the samples when the distribution is not computable (reproduce's traces use their own).</param>
    public static (double Kl, double? ValidFraction) Evaluate(IGradientProblem problem, double[] parameters, DataSet data, int sampleSeed = 1)
    {
        var model = TrainedModelFactory.Create(problem, parameters);
        if (model.ExactDistribution() is { } exact)
            return (Divergence.Kl(data.TargetDistribution, exact), data.HasValidity ? Validity.ValidMass(data, exact) : null);
        var samples = model.Sample(Samples, new Random(sampleSeed));
        return (Divergence.KlFromSamples(data.TargetDistribution, samples), data.HasValidity ? Validity.ValidFraction(data, samples) : null);
    }
}
