namespace QD3PM.Core.Training;

/// <summary>A trained generative model: samples, its exact distribution when small, and inpainting.</summary>
public interface ITrainedModel
{
    TrainingSpec Spec { get; }

    int BitCount { get; }

    /// <summary>Samples as integers (first bit of the string = most significant of BitCount bits).</summary>
    int[] Sample(int count, Random rng);

    /// <summary>The exact model distribution over 2^BitCount strings, or null when too big to compute.</summary>
    double[]? ExactDistribution();

    /// <summary>
    /// The exact probabilities of a few outcomes (e.g. the data's support, all an exact KL against it needs) for models
    /// whose whole distribution is too big to compute but single outcomes are cheap; null when the model cannot.
    /// </summary>
    double[]? ExactProbabilities(IReadOnlyList<int> outcomes) => null;

    /// <summary>Completions of a pattern like "1?0?" ('?' unknown), as integers.</summary>
    int[] Inpaint(string known, int count, Random rng);
}
