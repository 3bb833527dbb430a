using QD3PM.Core.Diffusion;
using QD3PM.Core.Simulation;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

/// <summary>
/// Training under depolarizing noise: the two-trajectory estimate of each term is unbiased for the loss and gradient of
/// the noisy channel (checked against the density matrix), and the noisy model's conditionals are the channel's.
/// </summary>
public sealed class NoisyTrainingTests
{
    private static readonly TrainingSpec Tiny = new()
    {
        Dataset = "ghz:2", Mode = DiffusionMode.SingleStep, Layers = 1, Steps = 10, Batch = 4, Seed = 3, Noise = 0.1,
    };

    private static QD3PMProblem Problem(TrainingSpec spec) => (QD3PMProblem)ProblemCatalog.Paper.Build(spec);

    /// <summary>MMD²(p̄, q) of one term with p̄ the density matrix's data marginal.</summary>
    private static double ChannelLoss(QD3PMProblem problem, double[] theta, QD3PMProblem.Term term, double noise)
    {
        var circuit = problem.Ansatz.Build(term.Xt, term.T).Bind(theta);
        var full = NoisySimulator.Probabilities(circuit, new NoiseModel(noise, 0, 0), method: NoisyMethod.DensityMatrix);
        int d = problem.Data.Dimension;
        var p = new double[d];
        for (int x = 0; x < d; x++) p[x] = full[x] + full[x + d];
        return problem.Mmd.LossAndGradient(p, term.Target, new double[d], new double[d]);
    }

    private static double[] ChannelGradient(QD3PMProblem problem, double[] theta, QD3PMProblem.Term term, double noise)
    {
        const double h = 1e-5;
        var g = new double[theta.Length];
        for (int i = 0; i < theta.Length; i++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            g[i] = (ChannelLoss(problem, plus, term, noise) - ChannelLoss(problem, minus, term, noise)) / (2 * h);
        }
        return g;
    }

    [Fact]
    public void The_two_trajectory_estimate_is_unbiased_for_the_noisy_channels_loss_and_gradient()
    {
        var problem = Problem(Tiny);
        var theta = problem.InitialState().Parameters;
        var rng = new Random(2);
        for (int i = 0; i < theta.Length; i++) theta[i] += rng.NextDouble() - 0.5;
        var all = ParameterRange.All(problem.ParameterCount);
        var exact = new Dictionary<(int, int), (double Loss, double[] Gradient, double[] Clean)>();
        var noiseless = Problem(Tiny with { Noise = 0 });
        const int samples = 6000;
        var meanEstimate = new double[theta.Length];
        var meanExact = new double[theta.Length];
        var meanClean = new double[theta.Length];
        double lossEstimate = 0, lossExact = 0;
        for (int k = 0; k < samples; k++)
        {
            long step = k / 4;
            int sample = k % 4;
            var term = problem.TermsOf(step, sample).Single();
            var key = (term.Xt, Array.IndexOf(term.Target, 1.0));
            if (!exact.TryGetValue(key, out var reference))
            {
                var clean = noiseless.Evaluate(theta, step, sample, all, GradientMethod.Adjoint).Gradient;
                exact[key] = reference = (ChannelLoss(problem, theta, term, Tiny.Noise), ChannelGradient(problem, theta, term, Tiny.Noise), clean);
            }
            var estimate = problem.Evaluate(theta, step, sample, all, GradientMethod.Adjoint);
            lossEstimate += estimate.Loss / samples;
            lossExact += reference.Loss / samples;
            for (int i = 0; i < theta.Length; i++)
            {
                meanEstimate[i] += estimate.Gradient[i] / samples;
                meanExact[i] += reference.Gradient[i] / samples;
                meanClean[i] += reference.Clean[i] / samples;
            }
        }
        Assert.Equal(lossExact, lossEstimate, 2);
        for (int i = 0; i < theta.Length; i++)
            Assert.True(Math.Abs(meanEstimate[i] - meanExact[i]) < 0.01, $"parameter {i}: estimate {meanEstimate[i]}, channel {meanExact[i]}");
        // the noise changes the gradient by more than the tolerance, so a noiseless estimate would fail above
        Assert.Contains(Enumerable.Range(0, theta.Length), i => Math.Abs(meanClean[i] - meanExact[i]) > 0.03);
    }

    [Fact]
    public void Items_of_one_sample_draw_the_same_trajectories_and_blocks_are_slices()
    {
        var problem = Problem(Tiny with { Dataset = "bas:2x2", Mode = DiffusionMode.MultiStep, Layers = 2 });
        var theta = problem.InitialState().Parameters;
        var all = problem.Evaluate(theta, 5, 1, ParameterRange.All(problem.ParameterCount), GradientMethod.Adjoint);
        var again = problem.Evaluate(theta, 5, 1, ParameterRange.All(problem.ParameterCount), GradientMethod.Adjoint);
        Assert.Equal(all.Gradient, again.Gradient);
        foreach (var block in ParameterRange.Split(problem.ParameterCount, 3))
            Assert.Equal(all.Gradient.AsSpan(block.Start, block.Count).ToArray(), problem.Evaluate(theta, 5, 1, block, GradientMethod.Adjoint).Gradient);
    }

    [Fact]
    public void The_noisy_conditional_is_the_channels_and_differs_from_the_noiseless_one()
    {
        var problem = Problem(Tiny with { Dataset = "bas:2x2", Mode = DiffusionMode.MultiStep, Layers = 2, Noise = 0.02 });
        var theta = problem.InitialState().Parameters;
        var noisy = problem.Conditional(theta, 5, 7);
        var full = NoisySimulator.Probabilities(problem.Ansatz.Build(5, 7).Bind(theta), new NoiseModel(0.02, 0, 0), method: NoisyMethod.DensityMatrix);
        for (int x = 0; x < 16; x++) Assert.Equal(full[x] + full[x + 16], noisy[x], 12);
        var clean = Problem(Tiny with { Dataset = "bas:2x2", Mode = DiffusionMode.MultiStep, Layers = 2, Noise = 0 }).Conditional(theta, 5, 7);
        Assert.Contains(Enumerable.Range(0, 16), x => Math.Abs(clean[x] - noisy[x]) > 1e-3);

        // a register above the density-matrix size averages trajectories drawn from (seed, x_t, t): the same every time
        var big = Problem(Tiny with { Dataset = "bas:2x3", Mode = DiffusionMode.MultiStep, Layers = 1, Noise = 0.02 });
        var bigTheta = big.InitialState().Parameters;
        Assert.Equal(big.Conditional(bigTheta, 9, 3), big.Conditional(bigTheta, 9, 3));
        Assert.Equal(1, big.Conditional(bigTheta, 9, 3).Sum(), 12);
    }

    [Fact]
    public void Noise_needs_exact_adjoint_gradients_and_the_qd3pm_model()
    {
        Assert.Throws<InvalidSpecException>(() => (Tiny with { Gradient = GradientMethod.Shift }).Validate());
        Assert.Throws<InvalidSpecException>(() => (Tiny with { Noise = 1 }).Validate());
        Assert.Throws<InvalidSpecException>(() => ProblemCatalog.Paper.Build(Tiny with { Model = ProblemCatalog.ClassicalD3pm }));
    }
}
