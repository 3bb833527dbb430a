using QD3PM.Core.Baselines;
using QD3PM.Core.Data;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Baselines;

public sealed class FactorizedBaselineTests
{
    [Fact]
    public void Bitwise_posterior_is_Bayes_rule_over_the_per_bit_chain()
    {
        var schedule = new CosineSchedule(10);
        var ones = new double[1];
        foreach (int t in new[] { 1, 4, 10 })
            foreach (int xt in new[] { 0, 1 })
                foreach (int x0 in new[] { 0, 1 })
                {
                    BitwiseNoise.PosteriorOnes(schedule, t, xt, x0, 1, ones);
                    // q(y | x0) after t-1 steps, times q(x_t | y) for one step, normalised over y.
                    double Prior(int y) => schedule.AlphaBar(t - 1) * (y == x0 ? 1 : 0) + (1 - schedule.AlphaBar(t - 1)) / 2;
                    double Step(int y) => schedule.Alpha(t) * (y == xt ? 1 : 0) + (1 - schedule.Alpha(t)) / 2;
                    double expected = Prior(1) * Step(1) / (Prior(0) * Step(0) + Prior(1) * Step(1));
                    Assert.Equal(expected, ones[0], 12);
                }
    }

    [Fact]
    public void Product_distribution_is_normalised_and_factorises()
    {
        double[] ones = [0.1, 0.8, 0.5];
        var d = new double[8];
        FactorizedModel.Product(ones, d);
        Assert.Equal(1, d.Sum(), 12);
        Assert.Equal(0.1 * 0.2 * 0.5, d[0b001], 12);
        Assert.Equal(0.9 * 0.8 * 0.5, d[0b110], 12);
    }

    [Theory]
    [InlineData("classical-d3pm", 1.0, 7e-3)]
    [InlineData("factorized-quantum", 1.0, 0.6)]
    public void Single_step_factorised_models_cannot_beat_the_total_correlation(string model, double lrScale, double margin)
    {
        var spec = new TrainingSpec
        {
            Dataset = "bas:2x2", Model = model, Mode = DiffusionMode.SingleStep, Layers = 2, Steps = 400, Batch = 8,
            LearningRate = 0.05 * lrScale, FinalLearningRate = 0.005, Seed = 3, TimeSteps = 10,
        };
        var problem = ProblemCatalog.Paper.Build(spec);
        var final = LocalTrainer.Train(problem, spec.Steps, GradientMethod.Adjoint);
        var trained = TrainedModelFactory.Create(spec, final.Parameters);
        var exact = trained.ExactDistribution()!;
        Assert.Equal(1, exact.Sum(), 9);
        var data = DataSets.Parse("bas:2x2");
        double kl = Divergence.Kl(data.TargetDistribution, exact);
        double bound = Divergence.TotalCorrelation(data.TargetDistribution, 4);
        Assert.Equal(4 * Math.Log(2) - Math.Log(6), bound, 9);
        Assert.True(kl >= bound - 1e-6, $"KL {kl} below the factorised bound {bound}");
        Assert.True(kl <= bound + margin, $"{model} did not train: KL {kl}, bound {bound}");
    }

    [Fact]
    public void Multi_step_samples_follow_the_exact_distribution_and_inpainting_keeps_known_bits()
    {
        var spec = new TrainingSpec { Dataset = "bas:2x2", Model = "classical-d3pm", Layers = 2, Seed = 5, TimeSteps = 6 };
        var problem = (FactorizedDiffusionProblem)ProblemCatalog.Paper.Build(spec);
        var theta = problem.InitialState().Parameters.Select((x, i) => x + 0.5 * Math.Sin(i)).ToArray();
        var model = new FactorizedModel(problem, theta);
        var exact = model.ExactDistribution()!;
        Assert.Equal(1, exact.Sum(), 10);
        var histogram = Divergence.Histogram(16, model.Sample(40000, new Random(1)));
        for (int x = 0; x < 16; x++)
            Assert.InRange(histogram[x], exact[x] - 0.012, exact[x] + 0.012);
        foreach (int x in model.Inpaint("1??0", 300, new Random(2)))
            Assert.Equal(0b1000, x & 0b1001);
    }

    [Theory]
    [InlineData("classical-d3pm")]
    [InlineData("factorized-quantum")]
    public void Single_step_outcome_probabilities_match_the_exact_distribution(string modelName)
    {
        // The per-outcome sum over noise inputs (what the KL against dimension uses above 10 bits) against the whole
        // distribution computed the other way, on random parameters, and the KL on the support against the full KL.
        var spec = new TrainingSpec { Dataset = "ghz:5", Model = modelName, Mode = DiffusionMode.SingleStep, Layers = 2, Seed = 4, TimeSteps = 7 };
        var problem = (FactorizedDiffusionProblem)ProblemCatalog.Paper.Build(spec);
        var theta = problem.InitialState().Parameters.Select((x, i) => x + 0.7 * Math.Cos(3 * i)).ToArray();
        var model = new FactorizedModel(problem, theta);
        var exact = model.ExactDistribution()!;
        int[] outcomes = [0, 0b10110, 0b11111, 0b00001];
        var probabilities = model.ExactProbabilities(outcomes)!;
        for (int i = 0; i < outcomes.Length; i++)
            Assert.Equal(exact[outcomes[i]], probabilities[i], 12);
        var data = DataSets.Parse("ghz:5");
        var support = Divergence.Support(data.TargetDistribution);
        Assert.Equal([0, 31], support);
        Assert.Equal(Divergence.Kl(data.TargetDistribution, exact), Divergence.KlOnSupport(data.TargetDistribution, support, model.ExactProbabilities(support)!), 12);
    }

    [Fact]
    public void Multi_step_models_give_no_outcome_probabilities()
    {
        var spec = new TrainingSpec { Dataset = "ghz:4", Model = "classical-d3pm", Layers = 2, Seed = 4, TimeSteps = 5 };
        var model = new FactorizedModel((FactorizedDiffusionProblem)ProblemCatalog.Paper.Build(spec), ((FactorizedDiffusionProblem)ProblemCatalog.Paper.Build(spec)).InitialState().Parameters);
        Assert.Null(model.ExactProbabilities([0]));
    }

    [Fact]
    public void Block_split_gradients_equal_the_full_gradient()
    {
        var spec = new TrainingSpec { Dataset = "bas:2x3", Model = "factorized-quantum", Layers = 2, Seed = 9, TimeSteps = 8 };
        var problem = ProblemCatalog.Paper.Build(spec);
        var theta = problem.InitialState().Parameters;
        var full = problem.Evaluate(theta, 3, 1, ParameterRange.All(problem.ParameterCount), GradientMethod.Shift);
        foreach (var block in ParameterRange.Split(problem.ParameterCount, 3))
        {
            var part = problem.Evaluate(theta, 3, 1, block, GradientMethod.Adjoint);
            Assert.Equal(full.Loss, part.Loss);
            Assert.Equal(full.Gradient.AsSpan(block.Start, block.Count).ToArray(), part.Gradient);
        }
    }
}
