using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Metrics;

public sealed class InpaintingEvaluationTests
{
    /// <summary>Completes a pattern by drawing from a fixed joint distribution restricted to the known bits.</summary>
    private sealed class JointModel(double[] joint, int bits) : ITrainedModel
    {
        public TrainingSpec Spec { get; } = new();
        public int BitCount => bits;
        public int[] Sample(int count, Random rng) => Inpaint(new string('?', bits), count, rng);
        public double[]? ExactDistribution() => joint;

        public int[] Inpaint(string known, int count, Random rng)
        {
            var (mask, value) = QD3PMModel.ParseKnown(known, bits);
            var c = joint.Select((p, x) => (x & mask) == value ? p : 0).ToArray();
            double z = c.Sum();
            return Enumerable.Range(0, count).Select(_ =>
            {
                double u = rng.NextDouble() * z, acc = 0;
                for (int x = 0; x < c.Length; x++) { acc += c[x]; if (u < acc) return x; }
                return c.Length - 1;
            }).ToArray();
        }
    }

    [Fact]
    public void Masks_are_every_choice_of_known_bits_or_a_seeded_subset()
    {
        Assert.Equal(6, InpaintingEvaluation.Masks(4, 2, 100, 1).Count);
        Assert.All(InpaintingEvaluation.Masks(4, 2, 100, 1), m => Assert.Equal(2, System.Numerics.BitOperations.PopCount((uint)m)));
        var some = InpaintingEvaluation.Masks(9, 4, 10, 3);
        Assert.Equal(10, some.Distinct().Count());
        Assert.Equal(some, InpaintingEvaluation.Masks(9, 4, 10, 3));
        Assert.Equal("1?0?", InpaintingEvaluation.KnownPattern(0b1010, 0b1000, 4));
    }

    [Fact]
    public void True_conditional_is_the_data_restricted_to_the_known_bits()
    {
        var data = DataSets.Parse("bas:2x2");
        // First row "11": 1111 and 1100 (a full pattern and a horizontal bar) are the consistent patterns.
        var c = InpaintingEvaluation.TrueConditional(data, 0b1100, 0b1100);
        Assert.Equal(0.5, c[0b1111], 12);
        Assert.Equal(0.5, c[0b1100], 12);
        Assert.Equal(1.0, c.Sum(), 12);
        Assert.Throws<ArgumentException>(() => InpaintingEvaluation.TrueConditional(data, 0b1111, 0b1110));
    }

    [Fact]
    public void A_model_of_the_data_scores_zero_and_a_product_of_marginals_pays_for_the_correlations()
    {
        var data = DataSets.Parse("bas:2x2");
        var perfect = InpaintingEvaluation.Run(new JointModel(data.TargetDistribution, 4), data, 2, 4000, 100, 1);
        Assert.Equal(6, perfect.Masks);
        Assert.InRange(perfect.Kl, 0, 0.005);
        Assert.Equal(1.0, perfect.ValidFraction, 12);

        // Product of the per-bit marginals (each bit is 1 with probability 1/2): completions ignore the known bits'
        // correlations, so the KL is the mean log-ratio of the true conditional to 1/4 and half the completions are invalid.
        var uniform = Enumerable.Repeat(1.0 / 16, 16).ToArray();
        var product = InpaintingEvaluation.Run(new JointModel(uniform, 4), data, 2, 4000, 100, 1);
        Assert.True(product.Kl > 0.5, $"KL {product.Kl}");
        Assert.InRange(product.ValidFraction, 0.3, 0.7);
    }
}
