using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

/// <summary>SPSA, the random-subset shift and the unit layout that packs them into QPU-sized items (docs/qpu.md, section 4).</summary>
public sealed class HardwareEstimatorTests
{
    private static readonly TrainingSpec Small = new() { Dataset = "bas:2x2", Layers = 2, Steps = 60, Batch = 4, Seed = 11 };

    private static (QD3PMProblem Problem, double[] Theta) Setup(TrainingSpec spec)
    {
        var problem = (QD3PMProblem)ProblemCatalog.Paper.Build(spec);
        var theta = problem.InitialState().Parameters;
        var rng = new Random(3);
        for (int i = 0; i < theta.Length; i++) theta[i] += rng.NextDouble() - 0.5;
        return (problem, theta);
    }

    private static double Dot(double[] a, double[] b) => a.Zip(b, (x, y) => x * y).Sum();

    [Theory]
    [InlineData(DiffusionMode.MultiStep)]
    [InlineData(DiffusionMode.SingleStep)]
    public void Spsa_is_the_central_difference_along_its_direction(DiffusionMode mode)
    {
        var (problem, theta) = Setup(Small with { Mode = mode, Gradient = GradientMethod.Spsa, SpsaPerturbation = 1e-4 });
        var all = ParameterRange.All(problem.ParameterCount);
        for (int sample = 0; sample < 3; sample++)
        {
            var spsa = problem.Evaluate(theta, 5, sample, all, GradientMethod.Spsa);
            var exact = problem.Evaluate(theta, 5, sample, all, GradientMethod.Adjoint);
            var delta = SpsaEstimator.Direction(Small.Seed, 5, sample, problem.ParameterCount);
            double slope = spsa.Gradient[0] / delta[0];
            for (int i = 0; i < delta.Length; i++) Assert.Equal(slope * delta[i], spsa.Gradient[i], 12);
            Assert.InRange(slope - Dot(delta, exact.Gradient), -1e-6, 1e-6); // the directional derivative, to O(c²)
            Assert.InRange(spsa.Loss - exact.Loss, -1e-6, 1e-6);
            Assert.Equal(2 * (mode == DiffusionMode.MultiStep ? 2 : 1), spsa.CircuitEvaluations); // two circuits per loss term
        }
    }

    [Fact]
    public void Spsa_averaged_over_directions_approaches_the_gradient()
    {
        var (problem, theta) = Setup(Small with { Mode = DiffusionMode.SingleStep, Gradient = GradientMethod.Spsa, SpsaPerturbation = 0.05 });
        var exact = problem.Evaluate(theta, 0, 0, ParameterRange.All(problem.ParameterCount), GradientMethod.Adjoint).Gradient;
        // E[ΔΔᵀ] = I: the mean of (Δ·g)Δ over many directions tends to g (one loss term, many directions)
        var mean = new double[exact.Length];
        const int directions = 4000;
        for (int k = 0; k < directions; k++)
        {
            var delta = SpsaEstimator.Direction(99, k, 0, exact.Length);
            double slope = Dot(delta, exact);
            for (int i = 0; i < mean.Length; i++) mean[i] += slope * delta[i] / directions;
        }
        double error = Math.Sqrt(mean.Zip(exact, (m, g) => (m - g) * (m - g)).Sum()), norm = Math.Sqrt(Dot(exact, exact));
        Assert.True(error < 0.2 * norm, $"mean of {directions} SPSA directions is {error / norm:P0} off the gradient");
    }

    [Fact]
    public void Unbiased_loss_removes_the_shot_bias()
    {
        var (problem, theta) = Setup(Small with { Mode = DiffusionMode.SingleStep });
        var p = problem.Conditional(theta, 5, Small.TimeSteps);
        var q = problem.TermsOf(0, 0)[0].Target;
        var d = p.Length;
        double exact = problem.Mmd.LossAndGradient(p, q, new double[d], new double[d]);
        var rng = new Random(5);
        const int shots = 20, repeats = 20000;
        double biased = 0, unbiased = 0;
        for (int r = 0; r < repeats; r++)
        {
            var f = PlanCircuits.Sample(p, problem.Ansatz.Bits, shots, rng);
            var freq = ShotGradient.Frequencies(f, problem.Ansatz.Bits);
            biased += problem.Mmd.LossAndGradient(freq, q, new double[d], new double[d]) / repeats;
            unbiased += ShotGradient.UnbiasedLoss(problem.Mmd, freq, q, new double[d], new double[d], shots) / repeats;
        }
        Assert.True(biased - exact > 5 * Math.Abs(unbiased - exact), $"exact {exact}, plain {biased}, corrected {unbiased}");
        Assert.Equal(exact, unbiased, 2);
    }

    [Fact]
    public void Subset_shift_is_the_scaled_exact_gradient_on_the_drawn_parameters()
    {
        var spec = Small with { Gradient = GradientMethod.ShiftSubset, SubsetSize = 6 };
        var (problem, theta) = Setup(spec);
        var all = ParameterRange.All(problem.ParameterCount);
        var subset = problem.Evaluate(theta, 2, 1, all, GradientMethod.ShiftSubset);
        var exact = problem.Evaluate(theta, 2, 1, all, GradientMethod.Adjoint);
        var chosen = SubsetShiftEstimator.Choose(spec.Seed, 2, 1, problem.ParameterCount, 6);
        double scale = problem.ParameterCount / 6.0;
        for (int i = 0; i < theta.Length; i++)
            Assert.Equal(chosen.Contains(i) ? scale * exact.Gradient[i] : 0, subset.Gradient[i], 9);
        Assert.Equal(exact.Loss, subset.Loss, 9);
    }

    [Fact]
    public void Subset_draws_cover_every_parameter_equally_often()
    {
        const int parameters = 40, k = 5, draws = 8000;
        var hits = new int[parameters];
        for (int step = 0; step < draws; step++)
        {
            var chosen = SubsetShiftEstimator.Choose(1, step, step % 7, parameters, k);
            Assert.Equal(k, chosen.Distinct().Count());
            foreach (var i in chosen) hits[i]++;
        }
        double expected = draws * (double)k / parameters; // 1000
        Assert.All(hits, h => Assert.InRange(h, expected * 0.85, expected * 1.15));
    }

    [Theory]
    [InlineData(GradientMethod.Shift, 300)]
    [InlineData(GradientMethod.Shift, 37)]
    [InlineData(GradientMethod.Spsa, 5)]
    [InlineData(GradientMethod.ShiftSubset, 40)]
    public void Packed_items_fit_the_job_size_and_add_up_to_the_per_sample_gradient(GradientMethod method, int maxCircuits)
    {
        var (problem, theta) = Setup(Small with { Gradient = method, SubsetSize = 5 });
        var ranges = UnitLayout.Pack(problem, 3, method, maxCircuits);
        int per = UnitLayout.UnitsPerSample(problem, method);
        Assert.Equal(0, ranges[0].Start);
        Assert.Equal(per * problem.SamplesPerStep, ranges[^1].End);
        for (int i = 1; i < ranges.Count; i++) Assert.Equal(ranges[i - 1].End, ranges[i].Start);
        var packed = new double[problem.ParameterCount];
        double packedLoss = 0;
        long circuits = 0;
        foreach (var range in ranges)
        {
            var plan = UnitLayout.Plan(problem, theta, 3, range, method);
            Assert.True(plan.Circuits.Count <= maxCircuits, $"item [{range.Start}, {range.End}) has {plan.Circuits.Count} circuits");
            var r = UnitLayout.Evaluate(problem, theta, 3, range, method, shots: 0);
            for (int i = 0; i < packed.Length; i++) packed[i] += r.Gradient[i];
            packedLoss += r.Loss;
            circuits += plan.Circuits.Count;
        }
        var perSample = new double[problem.ParameterCount];
        double loss = 0;
        long perSampleCircuits = 0;
        for (int s = 0; s < problem.SamplesPerStep; s++)
        {
            var r = UnitLayout.Evaluate(problem, theta, 3, new UnitRange(s * per, (s + 1) * per), method, shots: 0);
            for (int i = 0; i < perSample.Length; i++) perSample[i] += r.Gradient[i];
            loss += r.Loss;
            perSampleCircuits += r.CircuitEvaluations;
        }
        for (int i = 0; i < perSample.Length; i++) Assert.Equal(perSample[i], packed[i], 10);
        Assert.Equal(loss, packedLoss, 10);
        // few extra circuits: only a split sample's unshifted circuits are repeated, and jobs are nearly full
        Assert.True(circuits <= perSampleCircuits + 2L * ranges.Count, $"{circuits} circuits packed for {perSampleCircuits}");
        if (method == GradientMethod.Shift && maxCircuits == 300)
            Assert.True(ranges.Count <= Math.Ceiling(perSampleCircuits / 300.0) + 1, $"{ranges.Count} items for {perSampleCircuits} circuits");
    }

    [Fact]
    public void Sampled_unit_estimates_are_deterministic_and_unbiased_around_the_exact_one()
    {
        var (problem, theta) = Setup(Small with { Gradient = GradientMethod.Spsa, Shots = 200 });
        var units = new UnitRange(0, 2);
        var a = UnitLayout.Evaluate(problem, theta, 7, units, GradientMethod.Spsa, 200);
        var b = UnitLayout.Evaluate(problem, theta, 7, units, GradientMethod.Spsa, 200);
        Assert.Equal(a.Gradient, b.Gradient);
        Assert.Equal(a.Loss, b.Loss);
        var exact = UnitLayout.Evaluate(problem, theta, 7, units, GradientMethod.Spsa, 0);
        Assert.NotEqual(exact.Gradient, a.Gradient);
    }
}
