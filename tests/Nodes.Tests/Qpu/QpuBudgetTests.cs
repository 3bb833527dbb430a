using QD3PM.Nodes.Qpu.Proxy;
using Xunit;

namespace QD3PM.Nodes.Tests.Qpu;

public sealed class QpuBudgetTests
{
    [Fact]
    public void Items_are_reserved_whole_keys_are_charged_once_and_runs_are_separate()
    {
        var budget = new QpuBudget(maxShots: 1000, maxCost: null);
        Assert.Null(budget.TryReserve("r", [("a", 400, 0), ("base", 100, 0)]));
        Assert.Null(budget.TryReserve("r", [("base", 100, 0), ("b", 400, 0)])); // base is already paid for
        Assert.Equal(900, budget.ShotsSpent("r"));
        var refusal = budget.TryReserve("r", [("c", 50, 0), ("d", 100, 0)]); // 1050 > 1000: nothing of it is reserved
        Assert.NotNull(refusal);
        Assert.Contains("budget of 1000", refusal);
        Assert.Equal(900, budget.ShotsSpent("r"));
        Assert.Null(budget.TryReserve("r", [("c", 50, 0)]));
        Assert.Null(budget.TryReserve("other", [("a", 1000, 0)]));
    }

    [Fact]
    public void Cost_limit_is_checked_too()
    {
        var budget = new QpuBudget(maxShots: null, maxCost: 10);
        Assert.Null(budget.TryReserve("r", [("a", 1_000_000, 6)]));
        Assert.Contains("cost budget", budget.TryReserve("r", [("b", 1, 4.5)]));
        Assert.Null(budget.TryReserve("r", [("b", 1, 4)]));
    }
}
