using System.CommandLine;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands.Qpu;

/// <summary>
/// `--qpu-budget-shots N` and `--qpu-budget-cost X`: a run's QPU budget for the whole run (`train`, `runs resume`),
/// enforced by the run on the coordinator (<see cref="QpuRunBudget"/>), and the one error a client ends with when the
/// run has spent it (exit <see cref="ExitCodes.BudgetExhausted"/>).
/// </summary>
public sealed class QpuBudgetOptions
{
    public Option<long?> Shots { get; } = new("--qpu-budget-shots")
    {
        Description = "Most QPU shots the whole run may spend (all QPU workers together); a step that would pass it does not start: the run stops between steps, resumable with a higher budget.",
    };

    public Option<double?> Cost { get; } = new("--qpu-budget-cost")
    {
        Description = "Most QPU cost (the backends' prices) the whole run may spend; a step that would pass it does not start: the run stops between steps, resumable with a higher budget.",
    };

    public IEnumerable<Option> All => [Shots, Cost];

    /// <summary>The budget the options give (null when neither is given); a bad limit is one error line, exit 2.</summary>
    public RunBudget? Parse(ParseResult parse)
    {
        var shots = parse.GetValue(Shots);
        var cost = parse.GetValue(Cost);
        if (shots is null && cost is null)
            return null;
        var budget = new RunBudget();
        if (shots is { } s) budget.MaxShots = s;
        if (cost is { } c) budget.MaxCost = c;
        if (QpuRunBudget.Invalid(budget) is { } problem)
            throw new CliException(problem);
        return budget;
    }

    /// <summary>The error a client ends with when the run stopped for its budget; <paramref name="howToContinue"/> names the command.</summary>
    public static CliException Exhausted(RunStatus status, string howToContinue)
    {
        // From the status's budget and totals (a resume may have raised one limit, not enough), else the stop's reason.
        var reason = QpuRunBudget.Exhausted(status.Budget, status.QpuShots, status.QpuCost) ?? status.Error;
        return new($"run {status.RunId} stopped at step {status.Step} of {status.TotalSteps}: {reason}; continue with {howToContinue} " +
                   "--qpu-budget-shots N or --qpu-budget-cost X that covers what it has spent and the next step", ExitCodes.BudgetExhausted);
    }
}
