using System.CommandLine;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm runs cancel RUN`.</summary>
public sealed class RunsCancelCommand : ISubcommandFactory
{

    public Command Create() => RunControlCommand.Create("cancel", "Cancel a run for good (its last completed step stays in the journal).", RunAction.Cancel);
}
