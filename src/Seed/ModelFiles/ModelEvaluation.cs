using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;

namespace QD3PM.Seed.ModelFiles;

/// <summary>The paper's figures of merit for a trained model: KL from samples, exact KL, valid fraction.</summary>
public sealed record ModelEvaluation(double Kl, double? ExactKl, double? ValidFraction, int Samples)
{
    public static ModelEvaluation Run(ITrainedModel model, int samples, int seed)
    {
        var data = DataSets.Parse(model.Spec.Dataset, (int)model.Spec.Seed);
        var drawn = model.Sample(samples, new Random(seed));
        double kl = Divergence.KlFromSamples(data.TargetDistribution, drawn);
        var exact = model.ExactDistribution();
        double? exactKl = exact is null ? null : Divergence.Kl(data.TargetDistribution, exact);
        double? valid = data.HasValidity ? Validity.ValidFraction(data, drawn) : null;
        return new ModelEvaluation(kl, exactKl, valid, samples);
    }
}
