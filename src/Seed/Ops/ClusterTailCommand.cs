using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm cluster tail`: the current members as events, then every membership change until Ctrl-C.</summary>
public sealed class ClusterTailCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var command = ops.AddTo(new Command("tail", "Stream membership events (current members first) until Ctrl-C; --json: one object per line."));
        command.SetAction((parse, outer) => CtrlC.Run(outer, async ct =>
        {
            using var connection = ops.Connect(parse);
            bool json = parse.GetValue(ops.Json);
            await connection.Stream(o => connection.Admin.WatchMembers(new WatchMembersRequest(), o), e =>
            {
                if (json)
                    OpsOptions.WriteJsonLine(new { time = DateTimeOffset.FromUnixTimeMilliseconds(e.UnixMs), kind = e.Kind, address = e.Address, roles = e.Roles.ToArray(), status = e.Status });
                else
                    AnsiConsole.MarkupLine($"[grey]{Format.Time(e.UnixMs)}[/] {Color(e.Kind)} {Markup.Escape(Format.Short(e.Address))}"
                                           + (e.Roles.Count > 0 ? $" [grey]{Markup.Escape(string.Join(",", e.Roles))}[/]" : ""));
                return Task.CompletedTask;
            }, ct);
            return 0;
        }));
        return command;
    }

    private static string Color(string kind) => kind switch
    {
        "MemberUp" or "ReachableMember" => $"[green]{kind,-18}[/]",
        "UnreachableMember" or "MemberDowned" or "MemberRemoved" => $"[red]{kind,-18}[/]",
        _ => $"[yellow]{Markup.Escape(kind),-18}[/]",
    };
}
