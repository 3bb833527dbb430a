using QD3PM.Core.Metrics;
using Xunit;

namespace QD3PM.Core.Tests.Metrics;

public sealed class DivergenceTests
{
    [Fact]
    public void Kl_of_equal_distributions_is_zero_and_clipping_bounds_missing_mass()
    {
        double[] p = [0.5, 0.5, 0, 0];
        Assert.Equal(0, Divergence.Kl(p, p), 15);
        double[] q = [1, 0, 0, 0];
        Assert.Equal(0.5 * Math.Log(0.5 / 1) + 0.5 * Math.Log(0.5 / 1e-7), Divergence.Kl(p, q), 12);
    }

    [Fact]
    public void Kl_from_samples_uses_the_histogram()
    {
        double[] target = [0.25, 0.75];
        var samples = new[] { 0, 1, 1, 1 };
        Assert.Equal(0, Divergence.KlFromSamples(target, samples), 15);
        Assert.Equal(0.25 * Math.Log(0.25 / 0.5) + 0.75 * Math.Log(0.75 / 0.5), Divergence.KlFromSamples(target, [0, 1]), 12);
    }

    [Fact]
    public void Total_correlation_of_a_product_distribution_is_zero()
    {
        double a = 0.3, b = 0.8;
        double[] p = [(1 - a) * (1 - b), (1 - a) * b, a * (1 - b), a * b];
        Assert.Equal(0, Divergence.TotalCorrelation(p, 2), 12);
    }
}
