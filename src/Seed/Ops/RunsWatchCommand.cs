using System.CommandLine;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Training;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>
/// `qd3pm runs watch RUN`: a live view of one run until it stops (or Ctrl-C); --json: one line per change. It stops
/// watching when the run will not step again by itself (completed, failed, cancelled, or out of its QPU budget) and ends
/// like `train` does (<see cref="RunOutcome"/>): 0 for completed, else one error line and its exit code (11 for the budget).
/// </summary>
public sealed class RunsWatchCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var run = new Argument<string>("RUN") { Description = "Run id." };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes.", DefaultValueFactory = _ => 0.5 };
        var command = ops.AddTo(new Command("watch",
            "Live view of one run (progress and workers) until it stops or Ctrl-C; exit 0 when it completed, 1 failed or cancelled, 11 out of its QPU budget.")
        {
            run, interval,
        });
        command.SetAction((parse, outer) => CtrlC.Run(outer, async ct =>
        {
            using var connection = ops.Connect(parse);
            var runId = parse.GetValue(run)!;
            var delay = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(interval), 0.1, 60));
            RunStatus status = await connection.Call(o => connection.Training.GetRunAsync(new GetRunRequest { RunId = runId }, o), ct);
            if (parse.GetValue(ops.Json))
            {
                RunStatus? last = null;
                while (true)
                {
                    if (last is null || last.Step != status.Step || last.State != status.State)
                        OpsOptions.WriteJsonLine(RunView.Json(status));
                    last = status;
                    if (Ended(status))
                        return Finish(status, json: true);
                    if (!await CtrlC.Delay(delay, ct))
                        return 0;
                    status = await connection.Call(o => connection.Training.GetRunAsync(new GetRunRequest { RunId = runId }, o), ct);
                }
            }
            var workers = await connection.Call(o => connection.Training.ListWorkersAsync(new ListWorkersRequest(), o), ct);
            if (!OpsOptions.Interactive)
            {
                // Not a terminal: one plain line per change, the full view at the end.
                RunStatus? last = null;
                while (true)
                {
                    if (last is null || last.Step != status.Step || last.State != status.State)
                        Console.Out.WriteLine($"{status.RunId} {Format.State(status.State)} step {status.Step}/{status.TotalSteps} loss {Format.Number(status.Loss, "0.######")}");
                    last = status;
                    if (Ended(status) || !await CtrlC.Delay(delay, ct))
                        break;
                    status = await connection.Call(o => connection.Training.GetRunAsync(new GetRunRequest { RunId = runId }, o), ct);
                }
                AnsiConsole.Write(RunView.Detail(status, workers));
                return Ended(status) ? Finish(status, json: false) : 0;
            }
            await AnsiConsole.Live(RunView.Detail(status, workers)).AutoClear(false).StartAsync(async live =>
            {
                while (!Ended(status) && await CtrlC.Delay(delay, ct))
                {
                    status = await connection.Call(o => connection.Training.GetRunAsync(new GetRunRequest { RunId = runId }, o), ct);
                    workers = await connection.Call(o => connection.Training.ListWorkersAsync(new ListWorkersRequest(), o), ct);
                    live.UpdateTarget(RunView.Detail(status, workers));
                }
            });
            return Ended(status) ? Finish(status, json: false) : 0;
        }));
        return command;
    }

    private static bool Ended(RunStatus s) => RunStates.EndsFollowing(s.State);

    /// <summary>The run has stopped: 0 with a last line for a completed run (none with --json: stdout is JSON lines), else its error.</summary>
    private static int Finish(RunStatus status, bool json)
    {
        if (RunOutcome.Error(status, $"`qd3pm runs resume {status.RunId}`") is { } stopped)
            throw stopped;
        if (!json)
            Console.Out.WriteLine($"run {status.RunId} completed: step {status.Step} of {status.TotalSteps}, loss {Format.Number(status.Loss, "0.######")}");
        return 0;
    }

}
