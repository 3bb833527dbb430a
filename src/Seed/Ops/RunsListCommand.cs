using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm runs list`: every run the coordinator knows.</summary>
public sealed class RunsListCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var command = ops.AddTo(new Command("list", "Every run on the cluster: state, step, loss, circuits/s, ETA."));
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var runs = await connection.Call(o => connection.Training.ListRunsAsync(new ListRunsRequest(), o), ct);
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(new { runs = runs.Runs.Select(RunView.Json).ToArray() });
            else
                AnsiConsole.Write(RunView.RunsTable(runs.Runs));
            return 0;
        });
        return command;
    }
}
