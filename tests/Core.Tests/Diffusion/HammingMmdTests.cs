using QD3PM.Core.Diffusion;
using Xunit;

namespace QD3PM.Core.Tests.Diffusion;

public sealed class HammingMmdTests
{
    private static double[] RandomDistribution(int d, Random rng)
    {
        var p = Enumerable.Range(0, d).Select(_ => rng.NextDouble()).ToArray();
        double s = p.Sum();
        return p.Select(x => x / s).ToArray();
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Walsh_form_matches_the_dense_kernel_sum_and_its_gradient_matches_finite_differences(int bits)
    {
        var rng = new Random(bits);
        int d = 1 << bits;
        var p = RandomDistribution(d, rng);
        var q = RandomDistribution(d, rng);
        var mmd = new HammingMmd(bits);
        var grad = new double[d];
        double loss = mmd.LossAndGradient(p, q, grad, new double[d]);

        double dense = 0;
        for (int x = 0; x < d; x++)
            for (int y = 0; y < d; y++)
                dense += (p[x] - q[x]) * HammingMmd.Kernel(x, y, bits) * (p[y] - q[y]);
        Assert.Equal(dense, loss, 12);
        Assert.True(loss > 0);

        const double h = 1e-6;
        for (int i = 0; i < d; i++)
        {
            var plus = (double[])p.Clone();
            var minus = (double[])p.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (mmd.LossAndGradient(plus, q, new double[d], new double[d]) - mmd.LossAndGradient(minus, q, new double[d], new double[d])) / (2 * h);
            Assert.Equal(fd, grad[i], 7);
        }
    }

    [Fact]
    public void Mmd_of_a_distribution_with_itself_is_zero()
    {
        var p = RandomDistribution(16, new Random(3));
        Assert.Equal(0, new HammingMmd(4).LossAndGradient(p, p, new double[16], new double[16]), 15);
    }
}
