using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>The run-wide QPU budget's rules: valid limits, when it is spent, and what a resume changes.</summary>
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
}
