using System.CommandLine;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm runs resume RUN [--qpu-budget-shots N] [--qpu-budget-cost X]`: a paused run, or one whose QPU budget is spent, with a new budget.</summary>
public sealed class RunsResumeCommand : ISubcommandFactory
{

    public Command Create() => RunControlCommand.Create("resume",
        "Resume a paused run, or one stopped by its QPU budget (give a higher --qpu-budget-shots/--qpu-budget-cost; set limits replace the run's, the others stay).",
        RunAction.Resume, new QpuBudgetOptions());
}
