using System.CommandLine;
using Akka.Actor;
using QD3PM.Nodes.Configuration;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Workers;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// `qd3pm bench simulated-workers-host` (hidden; started by `bench cluster --simulated-workers`): a worker node that
/// joins the benchmark's coordinator and runs as many simulated workers as its parent asks for: one worker actor whose
/// <see cref="TimerExecutor"/> runs N items at once, as a real node runs one worker actor with a slot per core
/// (--layout node), or N worker actors of one slot each, as N single-core nodes would (--layout actor).
/// The parent talks over stdin/stdout: it writes "workers N", the host answers "workers N" once they run.
/// The host leaves the cluster and exits when stdin closes (its parent ended), so it never outlives the benchmark.
/// </summary>
public sealed class SimulatedWorkersHostCommand : ISubcommandFactory
{
    public const string Name = "simulated-workers-host";
    public const string ReadyLine = "node up";

    public Command Create()
    {
        var seed = new Option<string>("--seed") { Description = "The coordinator node (host:port).", Required = true };
        var itemMs = new Option<double>("--item-ms") { Description = "Time every item takes.", Required = true };
        var layout = new Option<string>("--layout") { Description = "node: one worker actor with N slots; actor: N worker actors of one slot.", DefaultValueFactory = _ => ClusterScaleBenchmark.NodeLayout };
        layout.AcceptOnlyFromAmong(ClusterScaleBenchmark.NodeLayout, ClusterScaleBenchmark.ActorLayout);
        var command = new Command(Name, "Worker node of the scale simulation (started by bench cluster).") { seed, itemMs, layout };
        command.Hidden = true;
        command.SetAction(async (parse, ct) =>
        {
            int port = FreePort.Get();
            var options = new NodeOptions
            {
                Roles = [NodeRoles.Simulator], Port = port, Seeds = [parse.GetValue(seed)!], LogLevel = "ERROR",
            };
            // No built-in executor: this command creates its own worker actors below.
            await using var node = await NodeHost.StartAsync(options, executors: new Dictionary<string, Func<IServiceProvider, IWorkItemExecutor>>(), cancellationToken: ct);
            if (!await node.WaitUntilUpAsync(TimeSpan.FromSeconds(60), ct))
                throw new CliException("the simulated worker node could not join the benchmark coordinator", 3);
            var itemTime = TimeSpan.FromMilliseconds(parse.GetValue(itemMs));
            var overshoot = await TimerExecutor.CalibrateOvershootAsync(itemTime);
            Console.WriteLine($"{ReadyLine}: {node.SelfAddress} timer overshoot {overshoot.TotalMilliseconds:0.00} ms");
            bool actorPerWorker = parse.GetValue(layout) == ClusterScaleBenchmark.ActorLayout;
            var workers = new List<IActorRef>();
            int created = 0, running = 0;
            while (await Console.In.ReadLineAsync(ct) is { } line)
            {
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || parts[0] != "workers" || !int.TryParse(parts[1], out var wanted) || wanted < 0)
                    continue;
                IActorRef Start(int slots) => node.System.ActorOf(
                    WorkerActor.Props(new TimerExecutor(itemTime, overshoot, slots), node.Options.Problems, node.Coordinator, $"127.0.0.1:{port}",
                        TimeSpan.FromSeconds(1)),
                    $"simulated-worker-{created++}");
                if (!actorPerWorker && wanted != running)
                {
                    foreach (var w in workers)
                        node.System.Stop(w);
                    workers.Clear();
                    if (wanted > 0)
                        workers.Add(Start(wanted));
                }
                while (actorPerWorker && workers.Count < wanted)
                    workers.Add(Start(1));
                while (actorPerWorker && workers.Count > wanted)
                {
                    node.System.Stop(workers[^1]);
                    workers.RemoveAt(workers.Count - 1);
                }
                running = wanted;
                Console.WriteLine($"workers {running}");
            }
            return 0;
        });
        return command;
    }
}
