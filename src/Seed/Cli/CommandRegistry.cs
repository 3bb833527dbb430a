using System.CommandLine;
using QD3PM.Seed.Commands;
using QD3PM.Seed.Commands.Bench;
using QD3PM.Seed.Commands.Qpu;
using QD3PM.Seed.Ops;

namespace QD3PM.Seed.Cli;

/// <summary>
/// Every verb of `qd3pm`, in the order `qd3pm --help` lists them. One explicit list instead of an assembly scan: a new
/// verb is registered here, and what the executable offers can be read in one place.
/// </summary>
public static class CommandRegistry
{
    /// <summary>A group verb (`qd3pm cluster ...`) with its description and its subcommands in help order.</summary>
    public sealed record Group(string Name, string Description, IReadOnlyList<ISubcommandFactory> Verbs);

    public static IReadOnlyList<ICommandFactory> TopLevel { get; } =
    [
        new SimulateCommand(), new TrainCommand(), new SampleCommand(), new EvaluateCommand(), new InpaintCommand(),
        new ExportCommand(), new ReproduceCommand(), new NodeCommand(), new TopCommand(),
    ];

    public static IReadOnlyList<Group> Groups { get; } =
    [
        new("cluster", "Cluster membership: show, leader, tail, join, leave, down.",
        [
            new ClusterShowCommand(), new ClusterLeaderCommand(), new ClusterTailCommand(), new ClusterJoinCommand(),
            new ClusterLeaveCommand(), new ClusterDownCommand(), new ClusterDownUnreachableCommand(),
        ]),
        new("runs", "Training runs on a cluster: list, show, watch, pause, resume, cancel.",
        [
            new RunsListCommand(), new RunsShowCommand(), new RunsWatchCommand(), new RunsPauseCommand(),
            new RunsResumeCommand(), new RunsCancelCommand(),
        ]),
        new("worker", "Worker operations: drain.", [new WorkerDrainCommand()]),
        new("actor", "Inspect a node's actors.", [new ActorHierarchyCommand()]),
        new("log", "A node's log.", [new LogTailCommand()]),
        new("bench", "Benchmarks that report speed as ratios measured in one run (JSON with --json).",
        [
            new BenchGatesCommand(), new BenchTrainCommand(), new BenchClusterCommand(), new BenchQpuCommand(),
            new BenchEmulatorCommand(), new BenchEstimatorsCommand(), new SimulatedWorkersHostCommand(),
        ]),
        new("qpu", "The emulated cloud QPU service.", [new QpuServeCommand(), new QpuLedgerCommand()]),
        new("certs", "TLS certificates for a cluster: create.", [new CertsCreateCommand()]),
    ];

    /// <summary>The root command with every verb attached.</summary>
    public static RootCommand BuildRoot(string description)
    {
        var root = new RootCommand(description);
        foreach (var factory in TopLevel)
            root.Subcommands.Add(factory.Create());
        foreach (var group in Groups)
        {
            var command = new Command(group.Name, group.Description);
            foreach (var verb in group.Verbs)
                command.Subcommands.Add(verb.Create());
            root.Subcommands.Add(command);
        }
        return root;
    }
}
