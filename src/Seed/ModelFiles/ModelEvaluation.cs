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
        double? exactKl = exact is not null ? Divergence.Kl(data.TargetDistribution, exact) : SupportKl(model, data.TargetDistribution);
        double? valid = data.HasValidity ? Validity.ValidFraction(data, drawn) : null;
        return new ModelEvaluation(kl, exactKl, valid, samples);
    }

    /// <summary>The exact KL from the model's probabilities of the data's outcomes alone, where the model can give them.</summary>
    private static double? SupportKl(ITrainedModel model, double[] target)
    {
        var support = Divergence.Support(target);
        return model.ExactProbabilities(support) is { } q ? Divergence.KlOnSupport(target, support, q) : null;
    }
}
