using System.CommandLine;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm runs resume RUN`.</summary>
public sealed class RunsResumeCommand : ISubcommandFactory
{

    public Command Create() => RunControlCommand.Create("resume", "Resume a paused run.", RunAction.Resume);
}
