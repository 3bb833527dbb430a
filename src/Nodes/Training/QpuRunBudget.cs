using System.Globalization;
using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>
/// The rules of a run's QPU budget (<see cref="RunBudget"/>, `--qpu-budget-shots`, `--qpu-budget-cost`), in one place:
/// what a valid limit is, what the next step is expected to spend (<see cref="Forecast"/>), when a step may not start
/// (<see cref="Refusal"/>), and how a resume changes the limits. The run checks it before each step (RunActor): a step
/// whose forecast would take the totals past a limit does not start, and a step that has started always finishes (so
/// only a step the forecast underestimated, or could not forecast, can end past a limit); the per-proxy budget
/// (<see cref="Proxy.QpuBudget"/>) is a separate hard limit of one proxy process.
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

    /// <summary>What step <paramref name="Step"/> (0-based) is expected to spend on QPUs; Cost is null while no price is known.</summary>
    public sealed record StepForecast(long Step, long Shots, double? Cost);

    /// <summary>
    /// What the run's step <paramref name="step"/> is expected to spend on QPUs, or null when it cannot be told (then only
    /// the totals stop the run). Shots: a qpu-only step of a QD3PM model with set shots per circuit runs exactly its
    /// circuits (<see cref="UnitLayout.StepCircuits"/>) x the step's shots (<see cref="ShotSchedule"/>); otherwise (a mixed pool shares items with simulators, a
    /// proxy's default shots, adaptive shots) the last QPU step's measured shots. A step a QPU schedule keeps on the
    /// simulators spends nothing. Cost: those shots at the run's measured price per shot so far (backends bill per job
    /// and per shot, and packed steps have about the same jobs per shot), unknown before anything is billed.
    /// </summary>
    public static StepForecast? Forecast(IGradientProblem problem, long step, long lastStepShots, long spentShots, double spentCost)
    {
        ArgumentNullException.ThrowIfNull(problem);
        var spec = problem.Spec;
        var policy = QpuSchedule.PolicyFor(spec, step);
        if (policy == BackendPolicy.SimOnly)
            return null;
        long shots = policy == BackendPolicy.QpuOnly && problem is QD3PMProblem model && UnitLayout.HasUnits(spec.Gradient)
                     && spec.Shots > 0 && spec.ShotPolicy != ShotPolicy.Adaptive
            ? UnitLayout.StepCircuits(model, step, spec.Gradient, UnitLayout.IsPacked(problem) ? spec.JobCircuits : null) * ShotSchedule.At(spec, step)
            : lastStepShots;
        if (shots <= 0)
            return null;
        double? cost = spentShots > 0 ? shots * (spentCost / spentShots) : null;
        return new StepForecast(step, shots, cost);
    }

    /// <summary>
    /// Null while the run may start the forecast step; else why not: the totals have reached a limit (<see cref="Exhausted"/>),
    /// or the step would take them past one ("budget exhausted: the next step would spend about QPU shots 400, cost 0.74;
    /// left: QPU shots 200, cost 0.26").
    /// </summary>
    public static string? Refusal(RunBudget? budget, long shots, double cost, StepForecast? next)
    {
        if (Exhausted(budget, shots, cost) is { } spent)
            return spent;
        if (budget is null || next is null)
            return null;
        bool overShots = budget.HasMaxShots && shots + next.Shots > budget.MaxShots;
        bool overCost = budget.HasMaxCost && next.Cost is { } c && cost + c > budget.MaxCost + CostTolerance;
        if (!overShots && !overCost)
            return null;
        var would = $"QPU shots {Shots(next.Shots)}" + (next.Cost is { } nc ? $", cost {Cost(nc)}" : "");
        var left = new List<string>();
        if (budget.HasMaxShots) left.Add($"QPU shots {Shots(budget.MaxShots - shots)}");
        if (budget.HasMaxCost) left.Add($"cost {Cost(budget.MaxCost - cost)}");
        return $"budget exhausted: the next step would spend about {would}; left: {string.Join(", ", left)}";
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
