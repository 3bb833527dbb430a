using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

public sealed class AdaptiveShotsTests
{
    [Fact]
    public void Allocation_follows_the_deviations_within_the_total()
    {
        var extra = AdaptiveShots.Allocate([1, 2, 4, 1], 1000, 100_000);
        int pilot = AdaptiveShots.PilotShots(1000);
        Assert.Equal(250, pilot);
        Assert.True(extra.Sum() <= 4 * (1000 - pilot), $"{extra.Sum()} extra shots exceed {4 * (1000 - pilot)}");
        Assert.True(extra[2] > extra[1] && extra[1] > extra[0], string.Join(",", extra));
        Assert.Equal(extra[0], extra[3]);
        Assert.All(extra, e => Assert.Equal(0, e % 187)); // multiples of the quantum (1000 - 250) / 4
        Assert.Equal([750, 750], AdaptiveShots.Allocate([0, 0], 1000, 100_000)); // nothing known: uniform
        Assert.All(AdaptiveShots.Allocate([1, 100], 1000, 600), e => Assert.True(e <= 350)); // backend limit
    }

    [Fact]
    public void Adaptive_allocation_lowers_the_gradient_error_at_the_same_number_of_shots()
    {
        var problem = (QD3PMProblem)ProblemCatalog.Paper.Build(new TrainingSpec { Dataset = "bas:2x2", Layers = 2, Batch = 2, Seed = 4 });
        var theta = problem.InitialState().Parameters;
        var block = ParameterRange.All(problem.ParameterCount);
        var exact = problem.Evaluate(theta, 3, 1, block, GradientMethod.Shift).Gradient;
        var plan = problem.PlanShots(theta, 3, 1, block);
        var baseP = plan.BaseCircuits.Select(PlanCircuits.Distribution).ToList();
        var shiftedP = plan.ShiftedCircuits.Select(PlanCircuits.Distribution).ToList();
        const int shots = 400, repeats = 60;
        var rng = new Random(21);
        double uniformError = 0, adaptiveError = 0;
        long uniformShots = 0, adaptiveShots = 0;
        for (int r = 0; r < repeats; r++)
        {
            var baseCounts = baseP.Select(p => PlanCircuits.Sample(p, plan.MeasuredBits, shots, rng)).ToList();
            var uniform = shiftedP.Select(p => PlanCircuits.Sample(p, plan.MeasuredBits, shots, rng)).ToList();
            uniformShots += (long)shots * uniform.Count;
            uniformError += SquaredError(problem.EstimateFromCounts(plan, baseCounts, uniform).Gradient, exact);

            int pilot = AdaptiveShots.PilotShots(shots);
            var pilotCounts = shiftedP.Select(p => PlanCircuits.Sample(p, plan.MeasuredBits, pilot, rng)).ToList();
            var extra = AdaptiveShots.Allocate(problem.PairDeviations(plan, baseCounts, pilotCounts), shots, 100_000);
            var merged = pilotCounts.ToArray();
            for (int k = 0; k < plan.Pairs.Count; k++)
            {
                var pair = plan.Pairs[k];
                merged[pair.Plus] = ShotGradient.Merge(merged[pair.Plus], PlanCircuits.Sample(shiftedP[pair.Plus], plan.MeasuredBits, extra[k], rng));
                merged[pair.Minus] = ShotGradient.Merge(merged[pair.Minus], PlanCircuits.Sample(shiftedP[pair.Minus], plan.MeasuredBits, extra[k], rng));
            }
            adaptiveShots += (long)pilot * merged.Length + 2L * extra.Sum();
            adaptiveError += SquaredError(problem.EstimateFromCounts(plan, baseCounts, merged).Gradient, exact);
        }
        Assert.True(adaptiveShots <= uniformShots, $"adaptive spent {adaptiveShots} shots, uniform {uniformShots}");
        // rx/ry pairs have coefficient 1/2, zz pairs 1: the zz pairs' 4x variance earns them more shots (~10% expected)
        Assert.True(adaptiveError < 0.97 * uniformError, $"mean squared error: adaptive {adaptiveError / repeats:G4}, uniform {uniformError / repeats:G4}");
    }

    private static double SquaredError(double[] g, double[] exact) => g.Select((v, i) => (v - exact[i]) * (v - exact[i])).Sum();
}
