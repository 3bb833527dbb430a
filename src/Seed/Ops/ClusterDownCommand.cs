using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm cluster down ADDRESS`.</summary>
public sealed class ClusterDownCommand : ISubcommandFactory
{

    public Command Create() => MembershipCommand.Create("down", "Mark the member at ADDRESS down (use for a dead node; it is removed and its work re-queued).", takesAddress: true,
        (admin, address, options) => admin.DownAsync(new AddressRequest { Address = address }, options));
}
