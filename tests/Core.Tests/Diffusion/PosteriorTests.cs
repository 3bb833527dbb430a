using MathNet.Numerics.LinearAlgebra;
using QD3PM.Core.Diffusion;
using Xunit;

namespace QD3PM.Core.Tests.Diffusion;

public sealed class PosteriorTests
{
    [Fact]
    public void Schedule_starts_clean_ends_in_uniform_noise_and_composes()
    {
        var s = new CosineSchedule(30);
        Assert.Equal(1.0, s.AlphaBar(0), 12);
        Assert.Equal(0.0, s.AlphaBar(30));
        double product = 1;
        for (int t = 1; t <= 29; t++)
        {
            Assert.True(s.AlphaBar(t) < s.AlphaBar(t - 1));
            product *= s.Alpha(t);
            Assert.Equal(s.AlphaBar(t), product, 12);
        }
    }

    [Theory]
    [InlineData(3, 2, 5, 1)]
    [InlineData(3, 17, 0, 0)]
    [InlineData(2, 1, 2, 3)]
    [InlineData(3, 30, 4, 6)]
    public void Posterior_rows_sum_to_one_and_match_brute_force_bayes_on_density_matrices(int bits, int t, int xt, int x0)
    {
        var schedule = new CosineSchedule(30);
        int d = 1 << bits;
        var q = new double[d];
        Posterior.Compute(schedule, t, xt, x0, q);
        Assert.Equal(1.0, q.Sum(), 12);

        // rho_{t-1} from the forward channel applied to |x0><x0|, then one depolarizing step E_t on each basis state y.
        var M = Matrix<double>.Build;
        var identity = M.DenseIdentity(d) / d;
        var rho0 = M.Dense(d, d);
        rho0[x0, x0] = 1;
        var rhoPrev = schedule.AlphaBar(t - 1) * rho0 + (1 - schedule.AlphaBar(t - 1)) * identity;
        var joint = new double[d];
        for (int y = 0; y < d; y++)
        {
            var basis = M.Dense(d, d);
            basis[y, y] = 1;
            var evolved = schedule.Alpha(t) * basis + (1 - schedule.Alpha(t)) * identity;
            joint[y] = rhoPrev[y, y] * evolved[xt, xt];
        }
        double z = joint.Sum();
        for (int y = 0; y < d; y++)
            Assert.Equal(joint[y] / z, q[y], 12);
    }

    [Fact]
    public void Forward_samples_keep_x0_with_probability_alpha_bar()
    {
        var schedule = new CosineSchedule(30);
        int kept = 0, n = 20000, t = 15, d = 16;
        for (int i = 0; i < n; i++)
            if (Posterior.SampleForward(schedule, t, 5, d, SplitMix64.For(1, i, 0)) == 5) kept++;
        double expected = schedule.AlphaBar(t) + (1 - schedule.AlphaBar(t)) / d;
        Assert.InRange(kept / (double)n, expected - 0.015, expected + 0.015);
    }
}
