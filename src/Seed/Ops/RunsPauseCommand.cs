using System.CommandLine;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm runs pause RUN`.</summary>
public sealed class RunsPauseCommand : ISubcommandFactory
{

    public Command Create() => RunControlCommand.Create("pause", "Pause a run at once (the step in progress is dropped and redone on resume; nothing completed is lost).", RunAction.Pause);
}
