using QD3PM.Core.Optimization;
using Xunit;

namespace QD3PM.Core.Tests.Optimization;

public sealed class AdamTests
{
    [Fact]
    public void First_step_moves_each_parameter_by_the_learning_rate_against_the_gradient_sign()
    {
        var adam = new Adam(0.1, 0.01, 100);
        double[] theta = [1, 2], g = [3, -0.5], m = new double[2], v = new double[2];
        var (nt, nm, nv) = (new double[2], new double[2], new double[2]);
        adam.Step(0, theta, m, v, g, nt, nm, nv);
        Assert.Equal(1 - 0.1, nt[0], 6);
        Assert.Equal(2 + 0.1, nt[1], 6);
        Assert.Equal(0.1 * 3, nm[0], 12);
        Assert.Equal(0.001 * 9, nv[0], 12);
    }

    [Fact]
    public void Cosine_decay_runs_from_the_initial_to_the_final_rate()
    {
        var adam = new Adam(1e-3, 1e-4, 1000);
        Assert.Equal(1e-3, adam.RateAt(0), 15);
        Assert.Equal(5.5e-4, adam.RateAt(500), 12);
        Assert.Equal(1e-4, adam.RateAt(1000), 15);
    }
}
