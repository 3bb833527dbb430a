using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm cluster leave ADDRESS`.</summary>
public sealed class ClusterLeaveCommand : ISubcommandFactory
{

    public Command Create() => MembershipCommand.Create("leave", "Ask the member at ADDRESS to leave the cluster gracefully (it hands its work back first).", takesAddress: true,
        (admin, address, options) => admin.LeaveAsync(new AddressRequest { Address = address }, options));
}
