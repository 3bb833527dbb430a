using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;
using QD3PM.Seed.Ops;

namespace QD3PM.Seed.Training;

/// <summary>
/// How a client that follows a run to its end finishes (`train`, `train --attach`, `runs watch`): the one rule of their
/// final line and exit code. It ends when the run will not step again by itself (<see cref="RunStates.EndsFollowing"/>):
/// completed is success; out of its QPU budget is exit 11 with what to run next; failed or cancelled is exit 1 with the
/// reason.
/// </summary>
public static class RunOutcome
{
    /// <summary>Null for a completed run; else the one error line the client ends with and its exit code.</summary>
    /// <param name="howToContinue">The command that continues a run stopped by its budget (for example "`qd3pm runs resume R`").</param>
    public static CliException? Error(RunStatus final, string howToContinue)
    {
        ArgumentNullException.ThrowIfNull(final);
        return final.State switch
        {
            RunState.Completed => null,
            RunState.BudgetExhausted => QpuBudgetOptions.Exhausted(final, howToContinue),
            _ => new CliException($"run {final.RunId} {Format.State(final.State)} at step {final.Step} of {final.TotalSteps}" +
                                  (final.Error.Length > 0 ? ": " + final.Error : ""), ExitCodes.Failed),
        };
    }
}
