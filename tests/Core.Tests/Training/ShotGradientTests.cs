using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

/// <summary>Shot-based parameter shift against the exact gradient (docs/qpu.md, "Shot estimators").</summary>
public sealed class ShotGradientTests
{
    private static readonly TrainingSpec Small = new() { Dataset = "bas:2x2", Layers = 2, Steps = 60, Batch = 4, Seed = 11 };

    private static (QD3PMProblem Problem, double[] Theta) Setup(string mode = "multi-step")
    {
        var problem = (QD3PMProblem)ProblemCatalog.Paper.Build(Small with { Mode = SpecNames.Parse<DiffusionMode>(mode, "mode") });
        var theta = problem.InitialState().Parameters;
        var rng = new Random(3);
        for (int i = 0; i < theta.Length; i++) theta[i] += rng.NextDouble() - 0.5;
        return (problem, theta);
    }

    private static IReadOnlyDictionary<string, int> Counts(double[] p, int bits, int shots, Random? rng)
    {
        var counts = new Dictionary<string, int>();
        if (rng is null)
        {
            // "Infinite" shots: frequencies equal to the probabilities to 1e-9.
            for (int x = 0; x < p.Length; x++) counts[StateVector.Bitstring(x, bits)] = (int)Math.Round(p[x] * shots);
            return counts;
        }
        return PlanCircuits.Sample(p, bits, shots, rng);
    }

    private static SampleGradient Estimate(QD3PMProblem problem, ShotPlan plan, int shots, Random? rng)
    {
        var baseCounts = plan.BaseCircuits.Select(c => Counts(PlanCircuits.Distribution(c), plan.MeasuredBits, shots, rng)).ToList();
        var shifted = plan.ShiftedCircuits.Select(c => Counts(PlanCircuits.Distribution(c), plan.MeasuredBits, shots, rng)).ToList();
        return problem.EstimateFromCounts(plan, baseCounts, shifted);
    }

    [Theory]
    [InlineData("multi-step")]
    [InlineData("single-step")]
    public void Exact_frequencies_reproduce_the_exact_parameter_shift_gradient(string mode)
    {
        var (problem, theta) = Setup(mode);
        var block = new ParameterRange(3, 30);
        var plan = problem.PlanShots(theta, 5, 1, block);
        var exact = problem.Evaluate(theta, 5, 1, block, GradientMethod.Shift);
        var estimate = Estimate(problem, plan, 1_000_000_000, null);
        Assert.Equal(exact.Loss, estimate.Loss, 6);
        Assert.True(exact.Gradient.Any(g => Math.Abs(g) > 1e-4), "an all-zero gradient proves nothing");
        for (int i = 0; i < block.Count; i++)
            Assert.True(Math.Abs(exact.Gradient[i] - estimate.Gradient[i]) < 1e-6, $"parameter {block.Start + i}: {exact.Gradient[i]} vs {estimate.Gradient[i]}");
    }

    [Fact]
    public void Plan_has_one_unshifted_circuit_per_term_and_a_pair_per_gate_of_the_block()
    {
        var (problem, theta) = Setup();
        var block = new ParameterRange(10, 20);
        var plan = problem.PlanShots(theta, 2, 0, block);
        Assert.Equal(problem.TermsOf(2, 0).Count, plan.BaseCircuits.Count);
        Assert.Equal(2 * plan.Pairs.Count, plan.ShiftedCircuits.Count);
        // every layer parameter appears once per term's circuit: 10 parameters x 2 terms
        Assert.Equal(10 * plan.BaseCircuits.Count, plan.Pairs.Count);
        Assert.All(plan.BaseCircuits.Concat(plan.ShiftedCircuits), c => Assert.Equal(problem.Ansatz.Bits, c.ClbitCount));
        Assert.Equal(plan.BaseCircuits.Count + plan.ShiftedCircuits.Count, plan.CircuitCount);
    }

    [Fact]
    public void Sampled_gradient_converges_to_the_exact_one_as_shots_grow()
    {
        var (problem, theta) = Setup();
        var block = ParameterRange.All(problem.ParameterCount);
        var exact = problem.Evaluate(theta, 4, 2, block, GradientMethod.Shift).Gradient;
        double Error(int shots, int seed)
        {
            var g = Estimate(problem, problem.PlanShots(theta, 4, 2, block), shots, new Random(seed)).Gradient;
            return Math.Sqrt(g.Select((v, i) => (v - exact[i]) * (v - exact[i])).Sum());
        }
        double coarse = (Error(200, 1) + Error(200, 2)) / 2;
        double fine = (Error(20_000, 3) + Error(20_000, 4)) / 2;
        double norm = Math.Sqrt(exact.Sum(v => v * v));
        // 100x the shots: the error's standard deviation shrinks 10x (allow a wide margin for one seed).
        Assert.True(fine < coarse / 4, $"error {coarse:G3} at 200 shots, {fine:G3} at 20,000");
        Assert.True(fine < 0.15 * norm, $"error {fine:G3} at 20,000 shots against a gradient of norm {norm:G3}");
    }

    [Fact]
    public void Gradient_estimate_is_unbiased_at_few_shots()
    {
        var (problem, theta) = Setup("single-step");
        var block = new ParameterRange(0, 20);
        var exact = problem.Evaluate(theta, 1, 0, block, GradientMethod.Shift).Gradient;
        var plan = problem.PlanShots(theta, 1, 0, block);
        var mean = new double[block.Count];
        const int repeats = 400;
        var rng = new Random(9);
        for (int r = 0; r < repeats; r++)
        {
            var g = Estimate(problem, plan, 50, rng).Gradient;
            for (int i = 0; i < mean.Length; i++) mean[i] += g[i] / repeats;
        }
        double bias = Math.Sqrt(mean.Select((v, i) => (v - exact[i]) * (v - exact[i])).Sum());
        double single = Math.Sqrt(Estimate(problem, plan, 50, new Random(10)).Gradient.Select((v, i) => (v - exact[i]) * (v - exact[i])).Sum());
        // averaging 400 estimates shrinks the error ~20x if (and only if) the estimator has no bias
        Assert.True(bias < single / 5, $"mean of {repeats} estimates is {bias:G3} from the exact gradient, one estimate {single:G3}");
    }

    [Fact]
    public void Frequencies_read_the_low_bits_and_refuse_garbage()
    {
        var p = ShotGradient.Frequencies(new Dictionary<string, int> { ["01"] = 3, ["10"] = 1 }, 2);
        Assert.Equal([0, 0.75, 0.25, 0], p);
        Assert.Throws<FormatException>(() => ShotGradient.Frequencies(new Dictionary<string, int> { ["0x"] = 1 }, 2));
        Assert.Throws<ArgumentException>(() => ShotGradient.Frequencies(new Dictionary<string, int>(), 2));
    }
}
