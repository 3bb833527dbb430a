using System.Globalization;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>
/// The rules of a run's QPU budget (<see cref="RunBudget"/>, `--qpu-budget-shots`, `--qpu-budget-cost`), in one place:
/// what a valid limit is, when the run's totals have spent it, and how a resume changes it. The run checks it before
/// each step (RunActor), so a step that has started always finishes and the budget may be exceeded by at most one
/// step's QPU work; the per-proxy budget (<see cref="Proxy.QpuBudget"/>) is a separate hard limit of one proxy process.
/// </summary>
public static class QpuRunBudget
{
    /// <summary>Cost is a sum of doubles: a total within this of the limit counts as having reached it.</summary>
    private const double CostTolerance = 1e-9;

    /// <summary>Null when every set limit is usable, else the first problem as one line (an option's wording).</summary>
    public static string? Invalid(RunBudget? budget)
    {
        if (budget is null) return null;
        if (budget.HasMaxShots && budget.MaxShots < 1) return $"--qpu-budget-shots must be at least 1, not {budget.MaxShots}";
        if (budget.HasMaxCost && !(double.IsFinite(budget.MaxCost) && budget.MaxCost > 0))
            return $"--qpu-budget-cost must be a positive number, not {budget.MaxCost.ToString(CultureInfo.InvariantCulture)}";
        return null;
    }

    /// <summary>Null while the run may start another step; else why not ("budget exhausted: QPU shots 30,000 of 30,000").</summary>
    public static string? Exhausted(RunBudget? budget, long shots, double cost)
    {
        if (budget is null) return null;
        if (budget.HasMaxShots && shots >= budget.MaxShots)
            return $"budget exhausted: QPU shots {Shots(shots)} of {Shots(budget.MaxShots)}";
        if (budget.HasMaxCost && cost >= budget.MaxCost - CostTolerance)
            return $"budget exhausted: QPU cost {Cost(cost)} of {Cost(budget.MaxCost)}";
        return null;
    }

    /// <summary>The budget after a resume: each limit the change sets replaces the current one; the others stay.</summary>
    public static RunBudget Apply(RunBudget? current, RunBudget? change)
    {
        var next = current?.Clone() ?? new RunBudget();
        if (change is null) return next;
        if (change.HasMaxShots) next.MaxShots = change.MaxShots;
        if (change.HasMaxCost) next.MaxCost = change.MaxCost;
        return next;
    }

    /// <summary>True when the change sets any limit.</summary>
    public static bool Sets(RunBudget? change) => change is not null && (change.HasMaxShots || change.HasMaxCost);

    /// <summary>"QPU shots 12,000 of 30,000, cost 4.20 of 10.00" (the set limits; spending alone when none is set).</summary>
    public static string Describe(RunBudget? budget, long shots, double cost)
    {
        var shotPart = budget is { HasMaxShots: true } ? $"QPU shots {Shots(shots)} of {Shots(budget.MaxShots)}" : $"QPU shots {Shots(shots)}";
        var costPart = budget is { HasMaxCost: true } ? $"cost {Cost(cost)} of {Cost(budget.MaxCost)}" : $"cost {Cost(cost)}";
        return shotPart + ", " + costPart;
    }

    private static string Shots(long shots) => shots.ToString("N0", CultureInfo.InvariantCulture);

    private static string Cost(double cost) => cost.ToString("F2", CultureInfo.InvariantCulture);
}
