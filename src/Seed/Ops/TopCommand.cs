using System.CommandLine;
using System.Diagnostics;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace QD3PM.Seed.Ops;

/// <summary>
/// `qd3pm top`: a live dashboard of the cluster (members, runs, workers and their throughput), refreshed every
/// --interval until Ctrl-C. Throughput is measured here, from the change of each worker's circuit count between two
/// refreshes.
/// </summary>
public sealed class TopCommand : ICommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes.", DefaultValueFactory = _ => 1 };
        var iterations = new Option<int>("--iterations") { Description = "Stop after this many refreshes (0: until Ctrl-C).", DefaultValueFactory = _ => 0 };
        var command = ops.AddTo(new Command("top", "Live dashboard of a cluster: nodes, runs, workers and throughput (Ctrl-C ends it).") { interval, iterations });
        command.SetAction((parse, outer) => CtrlC.Run(outer, async ct =>
        {
            if (parse.GetValue(iterations) < 0)
                throw new CliException("--iterations must not be negative");
            using var connection = ops.Connect(parse);
            var delay = TimeSpan.FromSeconds(Math.Clamp(parse.GetValue(interval), 0.1, 600));
            var sampler = new Sampler(connection);
            int limit = parse.GetValue(iterations), count = 0;
            var snapshot = await sampler.NextAsync(ct);
            if (parse.GetValue(ops.Json))
            {
                while (true)
                {
                    OpsOptions.WriteJsonLine(snapshot.Json());
                    if (++count == limit || !await CtrlC.Delay(delay, ct))
                        return 0;
                    snapshot = await sampler.NextAsync(ct);
                }
            }
            if (!OpsOptions.Interactive)
            {
                while (true)
                {
                    AnsiConsole.Write(snapshot.Render(connection.Node));
                    if (++count == limit || !await CtrlC.Delay(delay, ct))
                        return 0;
                    snapshot = await sampler.NextAsync(ct);
                }
            }
            await AnsiConsole.Live(snapshot.Render(connection.Node)).AutoClear(false).StartAsync(async live =>
            {
                while (++count != limit && await CtrlC.Delay(delay, ct))
                {
                    snapshot = await sampler.NextAsync(ct);
                    live.UpdateTarget(snapshot.Render(connection.Node));
                }
            });
            return 0;
        }));
        return command;
    }


    /// <summary>Polls the node and keeps the previous worker counters to turn them into rates.</summary>
    private sealed class Sampler(OpsConnection connection)
    {
        private Dictionary<string, long> _previous = new(StringComparer.Ordinal);
        private long _previousAt;

        public async Task<Snapshot> NextAsync(CancellationToken ct)
        {
            var members = connection.Call(o => connection.Admin.GetMembersAsync(new GetMembersRequest(), o), ct);
            var runs = connection.Call(o => connection.Training.ListRunsAsync(new ListRunsRequest(), o), ct);
            var workers = connection.Call(o => connection.Training.ListWorkersAsync(new ListWorkersRequest(), o), ct);
            await Task.WhenAll(members, runs, workers);
            var now = Stopwatch.GetTimestamp();
            var rates = new Dictionary<string, double>(StringComparer.Ordinal);
            if (_previousAt != 0)
            {
                var seconds = Stopwatch.GetElapsedTime(_previousAt, now).TotalSeconds;
                foreach (var w in workers.Result.Workers)
                    rates[w.Path] = _previous.TryGetValue(w.Path, out var before) && seconds > 0 ? Math.Max(0, w.CircuitEvaluations - before) / seconds : 0;
            }
            _previous = workers.Result.Workers.ToDictionary(w => w.Path, w => w.CircuitEvaluations, StringComparer.Ordinal);
            _previousAt = now;
            return new Snapshot(members.Result, runs.Result, workers.Result, rates, DateTimeOffset.Now);
        }
    }

    private sealed record Snapshot(MemberList Members, RunList Runs, WorkerList Workers, Dictionary<string, double> Rates, DateTimeOffset At)
    {
        private double Throughput => Rates.Values.Sum();

        public object Json() => new
        {
            time = At,
            members = MembersView.Json(Members),
            runs = Runs.Runs.Select(RunView.Json).ToArray(),
            workers = RunView.WorkersJson(Workers),
            circuitsPerSecond = Math.Round(Throughput, 2),
        };

        public IRenderable Render(string node)
        {
            int up = Members.Members.Count(m => m.Status == "Up" && m.Reachable);
            int unreachable = Members.Members.Count(m => !m.Reachable);
            int running = Runs.Runs.Count(r => r.State == RunState.Running);
            var header = new Markup(
                $"[bold]qd3pm top[/]  {Markup.Escape(node)}  {At:HH:mm:ss}   members [green]{up} up[/]"
                + (unreachable > 0 ? $" [red]{unreachable} unreachable[/]" : "")
                + $"   runs {running} running / {Runs.Runs.Count}   throughput [bold]{Throughput:0.0}[/] circuits/s   [grey](Ctrl-C to quit)[/]");
            return new Rows(header, MembersView.Table(Members), RunView.RunsTable(Runs.Runs), RunView.WorkersTable(Workers, Rates));
        }
    }
}
