using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm cluster show`: every member with address, roles, status, reachability and up time; leader marked.</summary>
public sealed class ClusterShowCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var command = ops.AddTo(new Command("show", "Every member: address, roles, status, reachability, up time; the leader marked."));
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var members = await connection.Call(o => connection.Admin.GetMembersAsync(new GetMembersRequest(), o), ct);
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(MembersView.Json(members));
            else
                AnsiConsole.Write(MembersView.Table(members));
            return 0;
        });
        return command;
    }
}
