using QD3PM.Core.Data;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

public sealed class QD3PMProblemTests
{
    private static readonly TrainingSpec Small = new()
    {
        Dataset = "bas:2x2", Layers = 2, Steps = 60, Batch = 4, LearningRate = 1e-2, FinalLearningRate = 1e-3, Seed = 11,
    };

    private static QD3PMProblem Problem(TrainingSpec spec) => (QD3PMProblem)ProblemCatalog.Paper.Build(spec);

    [Theory]
    [InlineData(DiffusionMode.MultiStep, Entangler.AllToAll)]
    [InlineData(DiffusionMode.SingleStep, Entangler.Chain)]
    [InlineData(DiffusionMode.MultiStep, Entangler.Star)]
    public void Adjoint_and_parameter_shift_give_the_same_loss_gradient(DiffusionMode mode, Entangler entangler)
    {
        var problem = Problem(Small with { Mode = mode, Entangler = entangler });
        var theta = problem.InitialState().Parameters;
        var rng = new Random(5);
        for (int i = 0; i < theta.Length; i++) theta[i] += rng.NextDouble() - 0.5;
        var all = ParameterRange.All(problem.ParameterCount);
        for (int sample = 0; sample < 3; sample++)
        {
            var adjoint = problem.Evaluate(theta, 7, sample, all, GradientMethod.Adjoint);
            var shift = problem.Evaluate(theta, 7, sample, all, GradientMethod.Shift);
            Assert.Equal(adjoint.Loss, shift.Loss, 14);
            Assert.True(adjoint.Gradient.Any(g => Math.Abs(g) > 1e-6), "a gradient that is all zero proves nothing");
            for (int i = 0; i < theta.Length; i++)
                Assert.True(Math.Abs(adjoint.Gradient[i] - shift.Gradient[i]) < 1e-10, $"parameter {i}: {adjoint.Gradient[i]} vs {shift.Gradient[i]}");
        }
    }

    [Fact]
    public void Gradient_matches_central_finite_differences_of_the_loss()
    {
        var problem = Problem(Small);
        var theta = problem.InitialState().Parameters;
        var g = problem.Evaluate(theta, 3, 1, ParameterRange.All(problem.ParameterCount), GradientMethod.Adjoint).Gradient;
        const double h = 1e-5;
        foreach (int i in new[] { 0, 3, 9, problem.ParameterCount - 1 })
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += h;
            minus[i] -= h;
            double fd = (problem.Evaluate(plus, 3, 1, new ParameterRange(0, 1), GradientMethod.Adjoint).Loss
                         - problem.Evaluate(minus, 3, 1, new ParameterRange(0, 1), GradientMethod.Adjoint).Loss) / (2 * h);
            Assert.Equal(fd, g[i], 7);
        }
    }

    [Fact]
    public void A_block_returns_exactly_its_slice_of_the_full_gradient()
    {
        var problem = Problem(Small);
        var theta = problem.InitialState().Parameters;
        var full = problem.Evaluate(theta, 2, 0, ParameterRange.All(problem.ParameterCount), GradientMethod.Shift);
        foreach (var block in ParameterRange.Split(problem.ParameterCount, 3))
        {
            var part = problem.Evaluate(theta, 2, 0, block, GradientMethod.Shift);
            Assert.Equal(full.Gradient.AsSpan(block.Start, block.Count).ToArray(), part.Gradient);
            Assert.Equal(full.Loss, part.Loss);
        }
    }

    [Fact]
    public void Two_runs_with_one_seed_are_bit_identical_and_another_seed_differs()
    {
        var a = LocalTrainer.Train(Problem(Small), 15, GradientMethod.Adjoint);
        var b = LocalTrainer.Train(Problem(Small), 15, GradientMethod.Adjoint);
        var c = LocalTrainer.Train(Problem(Small with { Seed = 12 }), 15, GradientMethod.Adjoint);
        Assert.Equal(a.Parameters.Select(BitConverter.DoubleToInt64Bits), b.Parameters.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(a.SecondMoment.Select(BitConverter.DoubleToInt64Bits), b.SecondMoment.Select(BitConverter.DoubleToInt64Bits));
        Assert.NotEqual(a.Parameters, c.Parameters);
    }

    [Fact]
    public void Splitting_gradients_into_blocks_does_not_change_the_step()
    {
        var problem = Problem(Small);
        var s0 = problem.InitialState();
        var whole = LocalTrainer.Step(problem, s0, [ParameterRange.All(problem.ParameterCount)], GradientMethod.Adjoint);
        var split = LocalTrainer.Step(problem, s0, ParameterRange.Split(problem.ParameterCount, 4), GradientMethod.Adjoint);
        Assert.Equal(whole.Parameters.Select(BitConverter.DoubleToInt64Bits), split.Parameters.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void A_short_run_lowers_the_loss_and_the_kl()
    {
        var spec = Small with { Layers = 3, Steps = 150, Batch = 8, Mode = DiffusionMode.SingleStep };
        var problem = Problem(spec);
        double Loss(double[] theta) =>
            Enumerable.Range(0, 16).Sum(s => problem.Evaluate(theta, 999, s, new ParameterRange(0, 1), GradientMethod.Adjoint).Loss);
        var initial = problem.InitialState();
        var trained = LocalTrainer.Train(problem, spec.Steps, GradientMethod.Adjoint);
        Assert.True(Loss(trained.Parameters) < 0.9 * Loss(initial.Parameters));
        var target = problem.Data.TargetDistribution;
        double klBefore = Core.Metrics.Divergence.Kl(target, new QD3PMModel(spec, problem.Data, initial.Parameters).ExactDistribution()!);
        double klAfter = Core.Metrics.Divergence.Kl(target, new QD3PMModel(spec, problem.Data, trained.Parameters).ExactDistribution()!);
        Assert.True(klAfter < klBefore - 0.2, $"KL {klBefore} -> {klAfter}");
    }

    [Fact]
    public void Initialisation_has_the_papers_spread()
    {
        var problem = Problem(Small with { Layers = 8, Dataset = "bas:3x3" });
        var theta = problem.InitialState().Parameters;
        double sd = Math.Sqrt(theta.Select(x => x * x).Average());
        Assert.Equal(9 + 8 * (3 * 10 + 45), theta.Length);
        Assert.InRange(sd, 0.85 * problem.Ansatz.InitialStandardDeviation, 1.15 * problem.Ansatz.InitialStandardDeviation);
    }

    [Fact]
    public void Bad_settings_are_refused()
    {
        Assert.Contains("unknown mode", Assert.Throws<InvalidSpecException>(() => ProblemCatalog.Paper.Build(Small with { Mode = (DiffusionMode)7 })).Message);
        Assert.Contains("unknown model 'gan'", Assert.Throws<InvalidSpecException>(() => ProblemCatalog.Paper.Build(Small with { Model = "gan" })).Message);
        var badData = Assert.Throws<InvalidSpecException>(() => ProblemCatalog.Paper.Build(Small with { Dataset = "bas:1x99" }));
        Assert.IsType<DataSetException>(badData.InnerException);
        Assert.StartsWith(InvalidSpecException.Prefix, badData.Message);
    }
}
