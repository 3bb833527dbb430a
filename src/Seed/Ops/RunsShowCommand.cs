using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm runs show RUN`: one run's progress and the workers serving the cluster.</summary>
public sealed class RunsShowCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var run = new Argument<string>("RUN") { Description = "Run id (see `qd3pm runs list`)." };
        var command = ops.AddTo(new Command("show", "One run: step of total, loss, KL at the last step, circuits/s, ETA, and a per-worker table (items, failures, latency, share).") { run });
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var status = await connection.Call(o => connection.Training.GetRunAsync(new GetRunRequest { RunId = parse.GetValue(run)!, IncludeKl = true }, o), ct);
            var workers = await connection.Call(o => connection.Training.ListWorkersAsync(new ListWorkersRequest(), o), ct);
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(new { run = RunView.Json(status), workers = RunView.WorkersJson(workers) });
            else
                AnsiConsole.Write(RunView.Detail(status, workers));
            return 0;
        });
        return command;
    }
}
