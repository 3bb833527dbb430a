using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>The run-wide QPU budget's rules: valid limits, when it is spent, what the next step is forecast to spend, and what a resume changes.</summary>
public sealed class QpuRunBudgetTests
{
    [Fact]
    public void A_budget_is_spent_when_a_total_reaches_a_set_limit_and_never_without_one()
    {
        Assert.Null(QpuRunBudget.Exhausted(new RunBudget(), long.MaxValue, double.MaxValue));
        Assert.Null(QpuRunBudget.Exhausted(new RunBudget { MaxShots = 1_000_000 }, 999_999, 1e9));
        Assert.Equal("budget exhausted: QPU shots 1,000,000 of 1,000,000", QpuRunBudget.Exhausted(new RunBudget { MaxShots = 1_000_000 }, 1_000_000, 0));
        // 0.1 + 0.2 is 0.30000000000000004: a sum of prices that equals the limit has reached it.
        Assert.Equal("budget exhausted: QPU cost 0.30 of 0.30", QpuRunBudget.Exhausted(new RunBudget { MaxCost = 0.3 }, 0, 0.1 + 0.2));
        Assert.Equal("budget exhausted: QPU cost 0.30 of 0.30", QpuRunBudget.Exhausted(new RunBudget { MaxCost = 0.3 }, 0, 0.3 - 1e-12));
        Assert.Null(QpuRunBudget.Exhausted(new RunBudget { MaxCost = 0.3 }, 0, 0.29));
    }

    [Fact]
    public void A_resume_replaces_the_limits_it_sets_and_keeps_the_others()
    {
        var current = new RunBudget { MaxShots = 100, MaxCost = 5 };
        var raised = QpuRunBudget.Apply(current, new RunBudget { MaxCost = 9 });
        Assert.Equal(100, raised.MaxShots);
        Assert.Equal(9, raised.MaxCost);
        Assert.Equal(5, current.MaxCost); // the current budget is not changed in place
        Assert.False(QpuRunBudget.Sets(new RunBudget()));
        Assert.True(QpuRunBudget.Sets(new RunBudget { MaxShots = 1 }));
    }

    [Fact]
    public void Limits_below_one_shot_or_not_a_positive_price_are_refused_with_the_option_name()
    {
        Assert.Null(QpuRunBudget.Invalid(null));
        Assert.Null(QpuRunBudget.Invalid(new RunBudget { MaxShots = 1, MaxCost = 0.01 }));
        Assert.Contains("--qpu-budget-shots", QpuRunBudget.Invalid(new RunBudget { MaxShots = 0 }));
        Assert.Contains("--qpu-budget-cost", QpuRunBudget.Invalid(new RunBudget { MaxCost = double.NaN }));
        Assert.Contains("--qpu-budget-cost", QpuRunBudget.Invalid(new RunBudget { MaxCost = -1 }));
    }

    private static readonly TrainingSpec Hardware = new()
    {
        Dataset = "bas:2x2", Layers = 1, Steps = 4, Batch = 3, Seed = 5, Shots = 100, BackendPolicy = BackendPolicy.QpuOnly,
    };

    /// <summary>The circuits the items of a step run, counted from their plans as a QPU proxy builds them.</summary>
    private static long PlannedCircuits(QD3PMProblem problem, long step)
    {
        var method = problem.Spec.Gradient;
        var ranges = UnitLayout.PackedItems(problem, step)
                     ?? Enumerable.Range(0, problem.SamplesPerStep).Select(s => UnitLayout.OfSample(problem, method, s)).ToList();
        var theta = problem.InitialState().Parameters;
        return ranges.Sum(r => (long)UnitLayout.Plan(problem, theta, step, r, method).Circuits.Count);
    }

    [Theory]
    [InlineData(GradientMethod.Spsa, null)]
    [InlineData(GradientMethod.Spsa, 4)]
    [InlineData(GradientMethod.Shift, 50)]
    [InlineData(GradientMethod.Shift, null)]
    [InlineData(GradientMethod.ShiftSubset, 7)]
    public void A_qpu_only_step_with_fixed_shots_is_forecast_as_its_items_circuits_times_the_shots(GradientMethod method, int? jobCircuits)
    {
        var problem = (QD3PMProblem)ProblemCatalog.Paper.Build(Hardware with { Gradient = method, JobCircuits = jobCircuits, SubsetSize = 3 });
        for (long step = 0; step < 3; step++)
        {
            var forecast = QpuRunBudget.Forecast(problem, step, lastStepShots: 999, spentShots: 0, spentCost: 0);
            Assert.NotNull(forecast);
            Assert.Equal(PlannedCircuits(problem, step) * 100, forecast.Shots);
            Assert.Null(forecast.Cost); // nothing billed yet: no price
        }
        // A shot schedule (100 shots at step 0 ramping to 400 at step 3): the step's own shots.
        var ramped = (QD3PMProblem)ProblemCatalog.Paper.Build(Hardware with { Gradient = method, JobCircuits = jobCircuits, SubsetSize = 3, FinalShots = 400 });
        Assert.Equal(PlannedCircuits(ramped, 3) * 400, QpuRunBudget.Forecast(ramped, 3, 0, 0, 0)!.Shots);
        Assert.Equal(PlannedCircuits(ramped, 1) * ShotSchedule.At(ramped.Spec, 1), QpuRunBudget.Forecast(ramped, 1, 0, 0, 0)!.Shots);
        // With spending so far the cost follows the run's price per shot (0.002 here).
        var priced = QpuRunBudget.Forecast(problem, 1, 0, spentShots: 5_000, spentCost: 10);
        Assert.Equal(priced!.Shots * 0.002, priced.Cost!.Value, 9);
    }

    [Fact]
    public void Steps_off_the_qpu_spend_nothing_and_a_mixed_pool_is_forecast_from_its_last_qpu_step()
    {
        var scheduled = ProblemCatalog.Paper.Build(Hardware with { Gradient = GradientMethod.Spsa, QpuSchedule = "last:1" });
        Assert.Null(QpuRunBudget.Forecast(scheduled, 2, 400, 0, 0)); // a simulator step of the schedule
        Assert.NotNull(QpuRunBudget.Forecast(scheduled, 3, 400, 0, 0));
        var mixed = ProblemCatalog.Paper.Build(Hardware with { Gradient = GradientMethod.Spsa, BackendPolicy = BackendPolicy.Cheapest });
        Assert.Null(QpuRunBudget.Forecast(mixed, 0, 0, 0, 0)); // nothing measured: only the totals can stop it
        Assert.Equal(new QpuRunBudget.StepForecast(1, 250, 0.5), QpuRunBudget.Forecast(mixed, 1, 250, spentShots: 500, spentCost: 1));
    }

    [Fact]
    public void A_step_that_would_overrun_a_limit_is_refused_with_what_it_would_spend_and_what_is_left()
    {
        var next = new QpuRunBudget.StepForecast(2, 400, 0.74);
        Assert.Null(QpuRunBudget.Refusal(new RunBudget { MaxShots = 1_200 }, 800, 1.5, next)); // exactly reaches it
        Assert.Null(QpuRunBudget.Refusal(new RunBudget { MaxShots = 1_000 }, 800, 1.5, null)); // no forecast: totals only
        Assert.Equal("budget exhausted: the next step would spend about QPU shots 400, cost 0.74; left: QPU shots 200",
            QpuRunBudget.Refusal(new RunBudget { MaxShots = 1_000 }, 800, 1.5, next));
        Assert.Equal("budget exhausted: the next step would spend about QPU shots 400, cost 0.74; left: QPU shots 1,200, cost 0.50",
            QpuRunBudget.Refusal(new RunBudget { MaxShots = 2_000, MaxCost = 2 }, 800, 1.5, next));
        Assert.Null(QpuRunBudget.Refusal(new RunBudget { MaxCost = 2 }, 800, 1.5, next with { Cost = null })); // no price known
        Assert.Equal("budget exhausted: QPU shots 1,000 of 1,000", QpuRunBudget.Refusal(new RunBudget { MaxShots = 1_000 }, 1_000, 0, next));
    }
}
