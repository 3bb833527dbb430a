using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm cluster down-unreachable`: downs every member the answering node sees as unreachable.</summary>
public sealed class ClusterDownUnreachableCommand : ISubcommandFactory
{

    public Command Create() => MembershipCommand.Create("down-unreachable", "Mark every unreachable member down (they are removed and their work re-queued).",
        takesAddress: false, (admin, _, options) => admin.DownUnreachableAsync(new DownUnreachableRequest(), options));
}
