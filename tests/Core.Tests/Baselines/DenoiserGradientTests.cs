using QD3PM.Core.Baselines;
using Xunit;

namespace QD3PM.Core.Tests.Baselines;

public sealed class DenoiserGradientTests
{
    public static TheoryData<string> Denoisers => new() { "mlp", "circuit" };

    private static IBitwiseDenoiser Make(string kind) => kind == "mlp"
        ? new MlpDenoiser(bits: 3, timeSteps: 10, hidden: 5)
        : new BitCircuitDenoiser(bits: 3, layers: 2, timeSteps: 10);

    [Theory]
    [MemberData(nameof(Denoisers))]
    public void Backward_matches_central_finite_differences(string kind)
    {
        var denoiser = Make(kind);
        var rng = new Random(7);
        var theta = denoiser.InitialParameters(() => rng.NextDouble() * 2 - 1);
        double[] weights = [0.7, -1.3, 0.4];
        foreach (var (xt, t) in new[] { (5, 3), (2, 10), (0, 1) })
        {
            var gradient = new double[denoiser.ParameterCount];
            denoiser.Backward(theta, xt, t, weights, gradient);
            double Objective(double[] th)
            {
                var ones = new double[3];
                denoiser.Forward(th, xt, t, ones);
                return ones.Select((p, n) => weights[n] * p).Sum();
            }
            const double h = 1e-5;
            for (int i = 0; i < theta.Length; i++)
            {
                var plus = (double[])theta.Clone();
                var minus = (double[])theta.Clone();
                plus[i] += h;
                minus[i] -= h;
                double numeric = (Objective(plus) - Objective(minus)) / (2 * h);
                Assert.True(Math.Abs(numeric - gradient[i]) < 1e-7, $"{kind} parameter {i} at ({xt},{t}): {gradient[i]} vs {numeric}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Denoisers))]
    public void Outputs_are_probabilities_and_depend_on_the_input(string kind)
    {
        var denoiser = Make(kind);
        var rng = new Random(3);
        var theta = denoiser.InitialParameters(() => rng.NextDouble() * 2 - 1);
        var a = new double[3];
        var b = new double[3];
        denoiser.Forward(theta, 0, 4, a);
        denoiser.Forward(theta, 7, 4, b);
        Assert.All(a.Concat(b), p => Assert.InRange(p, 0, 1));
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Kl_loss_gradient_matches_finite_differences()
    {
        double[] q = [0.2, 1, 0];
        double[] p = [0.6, 0.3, 0.45];
        var grad = new double[3];
        double loss = FactorizedDiffusionProblem.LossAndGradient(q, p, grad);
        Assert.True(loss > 0);
        for (int n = 0; n < 3; n++)
        {
            var plus = (double[])p.Clone();
            var minus = (double[])p.Clone();
            plus[n] += 1e-6;
            minus[n] -= 1e-6;
            double numeric = (FactorizedDiffusionProblem.LossAndGradient(q, plus, new double[3]) -
                              FactorizedDiffusionProblem.LossAndGradient(q, minus, new double[3])) / 2e-6;
            Assert.Equal(numeric, grad[n], 5);
        }
        Assert.Equal(0, FactorizedDiffusionProblem.LossAndGradient(q, [0.2, 1, 0], grad), 5);
    }
}
