using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm cluster join ADDRESS`.</summary>
public sealed class ClusterJoinCommand : ISubcommandFactory
{

    public Command Create() => MembershipCommand.Create("join", "Make the node at --node join the cluster of the member at ADDRESS.", takesAddress: true,
        (admin, address, options) => admin.JoinAsync(new AddressRequest { Address = address }, options));
}
