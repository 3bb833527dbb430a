using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using QD3PM.Core.Training;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Training;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// `qd3pm bench cluster`: gradient throughput (circuit evaluations per second, parameter shift) of the embedded node
/// and of loopback clusters with 1 and 2 simulator-worker processes that it starts itself; plus journal cost (bytes
/// per step) and recovery time of a run with many steps in the journal. With --simulated-workers: the coordinator's
/// scaling to many timer-driven workers instead (<see cref="ClusterScaleBenchmark"/>).
/// </summary>
public sealed class BenchClusterCommand : ISubcommandFactory
{

    public Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Data set of the benchmark run: bas:3x3 (the QD3PM model), circuit:QUBITS (model-shaped circuit, real simulation) or synthetic:DIM[:DELAY_MS].", DefaultValueFactory = _ => "bas:3x3" };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps per measurement (scale simulation: at least; more where needed for 5 s of ideal time).", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "Samples per step.", DefaultValueFactory = _ => 16 };
        var layers = new Option<int>("--layers") { Description = "Circuit layers.", DefaultValueFactory = _ => 4 };
        var recoverySteps = new Option<int>("--recovery-steps") { Description = "Steps in the journal for the recovery measurement (0: skip).", DefaultValueFactory = _ => 10_000 };
        var repeat = new Option<int>("--repeat") { Description = "Measured runs per configuration (the best counts: the machine is shared).", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var simulated = new Option<string?>("--simulated-workers") { Description = "Scale simulation instead: comma-separated worker counts (e.g. 1,8,32,128,256) of timer-driven worker actors spread over --processes loopback processes." };
        var itemMs = new Option<double>("--item-ms") { Description = "Scale simulation: time every item takes (a timer, no CPU).", DefaultValueFactory = _ => 50 };
        var parameters = new Option<int>("--parameters") { Description = "Scale simulation: parameters of the simulated model (message sizes, items per step).", DefaultValueFactory = _ => 1100 };
        var processes = new Option<int>("--processes") { Description = "Scale simulation: worker processes the simulated workers are spread over.", DefaultValueFactory = _ => 8 };
        var warmupSteps = new Option<int>("--warmup-steps") { Description = "Scale simulation: steps per warm-up run with the largest worker count before any measurement; runs repeat (at most 8) until the JIT takes < 5% of the coordinator's CPU in one (0: no warm-up).", DefaultValueFactory = _ => 20 };
        var layout = new Option<string>("--layout") { Description = "Scale simulation: node = one worker actor per process with a slot per simulated worker (as a real node runs); actor = one worker actor per simulated worker (single-core nodes: batches of at most its 2 held items).", DefaultValueFactory = _ => ClusterScaleBenchmark.NodeLayout };
        layout.AcceptOnlyFromAmong(ClusterScaleBenchmark.NodeLayout, ClusterScaleBenchmark.ActorLayout);
        var command = new Command("cluster", "Cluster gradient throughput (embedded vs 1 and 2 worker processes), journal bytes per step, recovery time; or, with --simulated-workers, the coordinator's scaling to many workers.")
        {
            dataset, steps, batch, layers, recoverySteps, repeat, json, simulated, itemMs, parameters, processes, warmupSteps, layout,
        };
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(simulated) is { } counts)
                return await SimulateAsync(ParseCounts(counts), parse.GetValue(itemMs), parse.GetValue(parameters), parse.GetValue(batch),
                    parse.GetValue(steps), parse.GetValue(warmupSteps), parse.GetValue(processes), parse.GetValue(layout)!, parse.GetValue(json), ct);
            var ds = parse.GetValue(dataset)!;
            var spec = new TrainingSpec
            {
                Dataset = ds,
                Model = ds.StartsWith("synthetic:", StringComparison.Ordinal) ? SyntheticGradientProblem.ModelName
                    : ds.StartsWith("circuit:", StringComparison.Ordinal) ? CircuitBenchmarkProblem.ModelName : "qd3pm",
                Steps = parse.GetValue(steps), Batch = parse.GetValue(batch), Layers = parse.GetValue(layers),
                Gradient = GradientMethod.Shift, Seed = 1,
            };
            try
            {
                StandInProblems.Catalog.Build(spec);
            }
            catch (InvalidSpecException ex)
            {
                throw new CliException("cannot build the benchmark problem: " + ex.Message);
            }
            int repeats = Math.Max(1, parse.GetValue(repeat));
            var log = parse.GetValue(json) ? TextWriter.Null : Console.Error;
            var work = Directory.CreateTempSubdirectory("qd3pm-bench-cluster-").FullName;
            try
            {
                log.WriteLine($"embedded node, {spec.Steps} steps of {spec.Dataset} ...");
                var embedded = await EmbeddedCpsAsync(spec, work, repeats, ct);
                var cluster = new List<object>();
                foreach (var workers in new[] { 1, 2 })
                {
                    log.WriteLine($"cluster with {workers} worker process(es) ...");
                    cluster.Add(new { workers, cps = Math.Round(await ClusterCpsAsync(spec, workers, work, repeats, ct), 1) });
                }
                object? journal = null;
                if (parse.GetValue(recoverySteps) > 0)
                {
                    log.WriteLine($"journal: {parse.GetValue(recoverySteps)} steps ...");
                    journal = await JournalCostAsync(spec, parse.GetValue(recoverySteps), work, ct);
                }
                var result = new Dictionary<string, object?>
                {
                    ["dataset"] = spec.Dataset, ["steps"] = spec.Steps, ["batch"] = spec.Batch, ["cores"] = Environment.ProcessorCount,
                    ["embedded_cps"] = Math.Round(embedded, 1), ["cluster"] = cluster, ["journal"] = journal,
                };
                JsonStdout.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !parse.GetValue(json) }));
                return 0;
            }
            finally
            {
                SqliteConnection.ClearAllPools();
                try { Directory.Delete(work, true); } catch (IOException) { }
            }
        });
        return command;
    }

    private static async Task<int> SimulateAsync(IReadOnlyList<int> counts, double itemMs, int parameters, int batch, int steps, int warmupSteps,
        int processes, string layout, bool json, CancellationToken ct)
    {
        if (!(itemMs > 0) || itemMs > 60_000)
            throw new CliException("--item-ms must be between 0 and 60000 (exclusive of 0)");
        if (parameters < 1)
            throw new CliException("--parameters must be at least 1");
        if (batch < 1 || steps < 1)
            throw new CliException("--batch and --steps must be at least 1");
        if (processes < 1)
            throw new CliException("--processes must be at least 1");
        if (warmupSteps < 0)
            throw new CliException("--warmup-steps must be at least 0");
        var log = json ? TextWriter.Null : Console.Error;
        // The in-process coordinator node may print log lines (errors under load): they go to stderr, stdout is the JSON.
        var stdout = Console.Out;
        Console.SetOut(Console.Error);
        object result;
        try
        {
            result = await new ClusterScaleBenchmark(itemMs, parameters, batch, steps, warmupSteps, processes, layout, log).RunAsync(counts, ct);
        }
        finally
        {
            Console.SetOut(stdout);
        }
        JsonStdout.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !json }));
        return 0;
    }

    private static List<int> ParseCounts(string text)
    {
        var counts = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var k) || k < 1 || k > 4096)
                throw new CliException("--simulated-workers must list worker counts from 1 to 4096, e.g. 1,8,32,128,256");
            counts.Add(k);
        }
        return counts;
    }

    private static NodeOptions EmbeddedOptions(string journalPath, string? hocon = null) => new()
    {
        Roles = [NodeRoles.Coordinator, NodeRoles.Simulator], Port = 0, LogLevel = "ERROR",
        Journal = JournalTarget.Sqlite(journalPath), HoconOverrides = hocon,
    };

    private static async Task<double> EmbeddedCpsAsync(TrainingSpec spec, string work, int repeats, CancellationToken ct)
    {
        await using var node = await NodeHost.StartAsync(EmbeddedOptions(Path.Combine(work, "embedded.db")), cancellationToken: ct);
        if (!await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30), ct))
            throw new CliException("embedded node did not start");
        var warmup = TrainingSpecJson.Serialize(spec with { Steps = 1 });
        await LocalRunDriver.SubmitAsync(node.Coordinator, "warmup", warmup, ct);
        await LocalRunDriver.FollowAsync(node.Coordinator, "warmup", null, ct, TimeSpan.FromMilliseconds(10));
        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            var watch = Stopwatch.StartNew();
            await LocalRunDriver.SubmitAsync(node.Coordinator, $"bench{r}", TrainingSpecJson.Serialize(spec), ct);
            var final = await LocalRunDriver.FollowAsync(node.Coordinator, $"bench{r}", null, ct, TimeSpan.FromMilliseconds(10));
            best = Math.Max(best, final.CircuitEvaluations / watch.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static async Task<double> ClusterCpsAsync(TrainingSpec spec, int workers, string work, int repeats, CancellationToken ct)
    {
        int seedPort = FreePort(), mgmt = FreePort();
        var processes = new List<Process>();
        try
        {
            processes.Add(StartNode("--roles", "coordinator", "--port", seedPort.ToString(CultureInfo.InvariantCulture),
                "--seeds", $"127.0.0.1:{seedPort}", "--journal", "sqlite:" + Path.Combine(work, $"cluster{workers}.db"),
                "--mgmt-port", mgmt.ToString(CultureInfo.InvariantCulture)));
            for (int i = 0; i < workers; i++)
                processes.Add(StartNode("--roles", "simulator", "--port", FreePort().ToString(CultureInfo.InvariantCulture), "--seeds", $"127.0.0.1:{seedPort}"));
            foreach (var p in processes)
                await WaitForLineAsync(p, "node up", TimeSpan.FromSeconds(60), ct);
            using var client = new GrpcRunClient($"127.0.0.1:{mgmt}");
            // Warm-up run (JIT, connections), then the measured one.
            await client.FollowAsync(await client.SubmitAsync(spec with { Steps = 1 }, "warmup", ct), null, ct);
            double best = 0;
            for (int r = 0; r < repeats; r++)
            {
                var watch = Stopwatch.StartNew();
                var final = await client.FollowAsync(await client.SubmitAsync(spec, $"bench{r}", ct), null, ct);
                best = Math.Max(best, final.CircuitEvaluations / watch.Elapsed.TotalSeconds);
            }
            return best;
        }
        finally
        {
            foreach (var p in processes)
            {
                try { if (!p.HasExited) p.Kill(true); } catch (InvalidOperationException) { }
                p.Dispose();
            }
        }
    }

    private static async Task<object> JournalCostAsync(TrainingSpec spec, int steps, string work, CancellationToken ct)
    {
        // Cheap steps (batch 1, synthetic problem with the benchmark problem's parameter count) so only the journal costs.
        int parameters = StandInProblems.Catalog.Build(spec).ParameterCount;
        var synthetic = new TrainingSpec { Model = SyntheticGradientProblem.ModelName, Dataset = $"synthetic:{parameters}", Batch = 1, Steps = steps, Gradient = GradientMethod.Adjoint };
        var path = Path.Combine(work, "recovery.db");
        // Every step its own event and no snapshot: the most a journal writes and a recovery replays per step.
        const string noSnapshots = "qd3pm.coordinator { snapshot-every = 0, journal-batch-window = 0 }";
        var watch = Stopwatch.StartNew();
        await using (var node = await NodeHost.StartAsync(EmbeddedOptions(path, noSnapshots), cancellationToken: ct))
        {
            await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30), ct);
            await LocalRunDriver.SubmitAsync(node.Coordinator, "long", TrainingSpecJson.Serialize(synthetic), ct);
            await LocalRunDriver.FollowAsync(node.Coordinator, "long", null, ct, TimeSpan.FromMilliseconds(200));
        }
        double writeSeconds = watch.Elapsed.TotalSeconds;
        SqliteConnection.ClearAllPools();
        long payloadBytes;
        await using (var db = new SqliteConnection($"Data Source={path}"))
        {
            await db.OpenAsync(ct);
            var cmd = db.CreateCommand();
            cmd.CommandText = "SELECT COALESCE(SUM(LENGTH(message)), 0) FROM journal WHERE persistence_id = 'run-long'";
            payloadBytes = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        }
        var fileBytes = new FileInfo(path).Length + (File.Exists(path + "-wal") ? new FileInfo(path + "-wal").Length : 0);

        var recoverAll = await RecoveryAsync(path, noSnapshots, ct);
        return new
        {
            parameters, steps,
            event_payload_bytes_per_step = Math.Round((double)payloadBytes / steps, 1),
            sqlite_file_bytes_per_step = Math.Round((double)fileBytes / steps, 1),
            steps_per_second_persisting = Math.Round(steps / writeSeconds, 1),
            recovery_seconds_all_events = Math.Round(recoverAll.Recovery, 3),
            node_start_seconds = Math.Round(recoverAll.Start, 3),
        };
    }

    private static async Task<(double Start, double Recovery)> RecoveryAsync(string path, string hocon, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        await using var node = await NodeHost.StartAsync(EmbeddedOptions(path, hocon), cancellationToken: ct);
        await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30), ct);
        var start = watch.Elapsed.TotalSeconds;
        while (true)
        {
            var status = await LocalRunDriver.GetAsync(node.Coordinator, "long", false, ct);
            if (status.State is not RunState.Recovering and not RunState.Unknown)
                return (start, watch.Elapsed.TotalSeconds - start);
            await Task.Delay(5, ct);
        }
    }

    private static Process StartNode(params string[] args)
    {
        var self = typeof(BenchClusterCommand).Assembly.Location;
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(self);
        info.ArgumentList.Add("node");
        foreach (var a in args) info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new CliException("cannot start a node process");
    }

    private static async Task WaitForLineAsync(Process p, string text, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
            {
                if (line.Contains(text, StringComparison.Ordinal))
                {
                    _ = p.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep draining
                    _ = p.StandardError.ReadToEndAsync(CancellationToken.None);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        throw new CliException($"a benchmark node did not start: {await p.StandardError.ReadToEndAsync(CancellationToken.None)}");
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }
}
