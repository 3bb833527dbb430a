using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm cluster leader`: the address of the cluster's current leader.</summary>
public sealed class ClusterLeaderCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var command = ops.AddTo(new Command("leader", "The cluster's current leader (the member that moves others Up and Removed)."));
        command.SetAction(async (parse, ct) =>
        {
            using var connection = ops.Connect(parse);
            var members = await connection.Call(o => connection.Admin.GetMembersAsync(new GetMembersRequest(), o), ct);
            if (members.Leader.Length == 0)
                throw new CliException("the cluster has no leader right now (no member is up, or convergence is blocked by an unreachable member)", ExitCodes.Failed);
            var leader = members.Members.FirstOrDefault(m => m.Address == members.Leader);
            if (parse.GetValue(ops.Json))
                OpsOptions.WriteJson(new { leader = members.Leader, roles = leader?.Roles.ToArray() ?? [] });
            else
                Console.WriteLine(members.Leader + (leader is null ? "" : $" ({string.Join(",", leader.Roles)})"));
            return 0;
        });
        return command;
    }
}
