using System.CommandLine;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;

namespace QD3PM.Seed.Ops;

/// <summary>Shared shape of `runs pause|resume|cancel RUN`: one ControlRun call, the run's state afterwards.</summary>
public static class RunControlCommand
{
    /// <param name="budget">Options of a new QPU budget the control carries (resume only).</param>
    public static Command Create(string name, string description, RunAction action, QpuBudgetOptions? budget = null)
    {
        var ops = new OpsOptions();
        var run = new Argument<string>("RUN") { Description = "Run id." };
        var command = ops.AddTo(new Command(name, description) { run });
        foreach (var option in budget?.All ?? [])
            command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var runId = parse.GetValue(run)!;
            var newBudget = budget?.Parse(parse);
            // The coordinator answers a control that does not apply with the run's status, unchanged; a run that has
            // ended cannot be paused, resumed or cancelled again, and a script must be able to tell.
            var before = await connection.Call(o => connection.Training.GetRunAsync(new GetRunRequest { RunId = runId }, o), ct);
            if (IsFinished(before.State))
                throw Finished(before, name);
            var status = await connection.Call(o => connection.Admin.ControlRunAsync(new ControlRunRequest { RunId = runId, Action = action, Budget = newBudget }, o), ct);
            if (IsFinished(status.State) && !(action == RunAction.Cancel && status.State == RunState.Cancelled))
                throw Finished(status, name); // it ended between the two calls
            if (action == RunAction.Resume && status.State == RunState.BudgetExhausted)
                throw QpuBudgetOptions.Exhausted(status, $"`qd3pm runs resume {runId}`");
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(RunView.Json(status));
            else
                Console.WriteLine($"run {status.RunId}: {Format.State(status.State)} at step {status.Step} of {status.TotalSteps}");
            return 0;
        });
        return command;
    }

    private static bool IsFinished(RunState state) => state is RunState.Completed or RunState.Failed or RunState.Cancelled;

    private static CliException Finished(RunStatus status, string verb) =>
        new($"run {status.RunId} is {Format.State(status.State)} (step {status.Step} of {status.TotalSteps}): there is nothing to {verb}",
            ExitCodes.RunFinished);
}
