using System.CommandLine;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;

namespace QD3PM.Seed.Ops;

/// <summary>Shared shape of `runs pause|resume|cancel RUN`: one ControlRun call, the run's state afterwards.</summary>
public static class RunControlCommand
{
    public static Command Create(string name, string description, RunAction action)
    {
        var ops = new OpsOptions();
        var run = new Argument<string>("RUN") { Description = "Run id." };
        var command = ops.AddTo(new Command(name, description) { run });
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var runId = parse.GetValue(run)!;
            var status = await connection.Call(o => connection.Admin.ControlRunAsync(new ControlRunRequest { RunId = runId, Action = action }, o), ct);
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(RunView.Json(status));
            else
                Console.WriteLine($"run {status.RunId}: {Format.State(status.State)} at step {status.Step} of {status.TotalSteps}");
            return 0;
        });
        return command;
    }
}
