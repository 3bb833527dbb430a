using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Microsoft.Data.Sqlite;
using QD3PM.Core.Training;
using QD3PM.Nodes.Configuration;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// The scale simulation of `qd3pm bench cluster --simulated-workers`: the coordinator runs in this process (so its CPU
/// time, memory and socket bytes are this process's), K timer-driven worker actors run in a few loopback processes
/// (<see cref="SimulatedWorkersHostCommand"/>). Each K trains the synthetic problem with P parameters (parameter
/// shift: batch x ceil(P / shift block) items per step) for a few steps, and is compared with the ideal step time
/// of K workers without any coordination cost: ceil(items per step / K) x the items' measured mean duration.
/// All processes first run a longer warm-up (the JIT's tiering of a fresh process otherwise takes a large share of
/// the CPU for tens of seconds, which a long-running coordinator never pays again), and every measurement lasts at
/// least <see cref="MinMeasuredMs"/> of ideal time.
/// </summary>
internal sealed class ClusterScaleBenchmark(double itemMs, int parameters, int batch, int steps, int warmupSteps, int processes, string layout,
    TextWriter log)
{
    /// <summary>Worker layouts of --layout: one worker actor per process with K/processes slots (how a real node runs).</summary>
    public const string NodeLayout = "node";

    /// <summary>One worker actor of one slot per simulated worker (a cluster of single-core nodes: one message per item).</summary>
    public const string ActorLayout = "actor";

    /// <summary>Shortest measurement, in ideal time (short ones are mostly the step barrier and timer noise).</summary>
    private const double MinMeasuredMs = 5_000;

    private sealed record Measurement(int Workers, double Efficiency, double CoordinatorUsPerItem, double BytesPerItem, double StepMs, double IdealStepMs,
        double ItemMs, long ItemsPerStep, double CoordinatorWorkingSetMb, double CoordinatorHeapMb, double LoadAverage, int Steps, double JitMs,
        double MessagesPerItem, double JitCpuUsPerItem);

    public async Task<object> RunAsync(IReadOnlyList<int> workerCounts, CancellationToken ct)
    {
        var work = Directory.CreateTempSubdirectory("qd3pm-bench-scale-").FullName;
        var hosts = new List<Process>();
        try
        {
            int port = FreePort.Get();
            await using var coordinator = await NodeHost.StartAsync(new NodeOptions
            {
                Roles = [NodeRoles.Coordinator], Port = port, LogLevel = "ERROR",
                Journal = JournalTarget.Sqlite(Path.Combine(work, "journal.db")),
            }, executors: new Dictionary<string, Func<IServiceProvider, Nodes.Workers.IWorkItemExecutor>>(), cancellationToken: ct);
            if (!await coordinator.WaitUntilUpAsync(TimeSpan.FromSeconds(30), ct))
                throw new CliException("the benchmark coordinator did not start");

            int hostCount = Math.Max(1, Math.Min(processes, workerCounts.Max()));
            log.WriteLine($"starting {hostCount} worker processes ...");
            for (int i = 0; i < hostCount; i++)
                hosts.Add(StartHost($"127.0.0.1:{port}"));
            foreach (var host in hosts)
                await ReadUntilAsync(host, SimulatedWorkersHostCommand.ReadyLine, TimeSpan.FromSeconds(90), ct);

            var warmup = await WarmUpAsync(coordinator.Coordinator, hosts, workerCounts.Max(), ct);

            var results = new List<Measurement>();
            foreach (var k in workerCounts)
            {
                log.WriteLine($"{k} simulated workers ...");
                results.Add(await MeasureAsync(coordinator.Coordinator, hosts, k, ct));
                var m = results[^1];
                log.WriteLine($"  efficiency {m.Efficiency:0.000} (step {m.StepMs:0.0} ms, ideal {m.IdealStepMs:0.0} ms, {m.Steps} steps), "
                              + $"coordinator {m.CoordinatorUsPerItem:0} us/item ({m.JitCpuUsPerItem:0} of it JIT; JIT {m.JitMs:0} ms), {m.BytesPerItem:0} B/item, "
                              + $"{m.MessagesPerItem:0.00} results messages/item, load {m.LoadAverage:0.00}");
            }
            return new
            {
                item_ms = itemMs, parameters, batch, min_steps = steps, warmup_steps = warmupSteps, warmup_rounds = warmup.Rounds,
                warmup_last_jit_share = Math.Round(warmup.JitShare, 3), processes = hostCount, layout,
                cores = Environment.ProcessorCount,
                worker_pids = hosts.Select(h => h.Id).ToList(),
                simulated = results.Select(m => new
                {
                    workers = m.Workers, efficiency = JsonStdout.Number(m.Efficiency, 3), coordinator_us_per_item = JsonStdout.Number(m.CoordinatorUsPerItem, 1),
                    coordinator_us_per_item_without_jit = JsonStdout.Number(m.CoordinatorUsPerItem - m.JitCpuUsPerItem, 1),
                    bytes_per_item = JsonStdout.Number(m.BytesPerItem, 0), step_ms = JsonStdout.Number(m.StepMs, 1), ideal_step_ms = JsonStdout.Number(m.IdealStepMs, 1),
                    item_ms_measured = JsonStdout.Number(m.ItemMs, 2), items_per_step = m.ItemsPerStep,
                    coordinator_working_set_mb = JsonStdout.Number(m.CoordinatorWorkingSetMb, 1), coordinator_heap_mb = JsonStdout.Number(m.CoordinatorHeapMb, 1),
                    load_average = JsonStdout.Number(m.LoadAverage, 2), steps = m.Steps, coordinator_jit_ms = JsonStdout.Number(m.JitMs, 1),
                    // NaN when the coordinator's per-worker counters went back (a worker process was lost and re-registered)
                    result_messages_per_item = JsonStdout.Number(m.MessagesPerItem, 3),
                }).ToList(),
            };
        }
        finally
        {
            foreach (var host in hosts)
                await StopHostAsync(host);
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(work, true); } catch (IOException) { }
        }
    }

    /// <summary>Warm-up rounds run until less than this share of the coordinator process's CPU in a round is the JIT's.</summary>
    private const double SettledJitShare = 0.05;

    private const int MaxWarmupRounds = 8;

    /// <summary>
    /// Runs of --warmup-steps steps with <paramref name="k"/> workers until the JIT has settled in the coordinator
    /// process (tiered compilation recompiles thousands of hot methods of Akka, DotNetty and linq2db in the
    /// background, slowly when the machine is loaded) or <see cref="MaxWarmupRounds"/> rounds have run.
    /// </summary>
    private async Task<(int Rounds, double JitShare)> WarmUpAsync(IActorRef coordinator, IReadOnlyList<Process> hosts, int k, CancellationToken ct)
    {
        if (warmupSteps == 0)
            return (0, double.NaN);
        await SetWorkersAsync(coordinator, hosts, k, ct);
        double share = double.NaN;
        for (int round = 1; round <= MaxWarmupRounds; round++)
        {
            var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var threadsBefore = ThreadCpu.Snapshot();
            var watch = Stopwatch.StartNew();
            await RunAsync(coordinator, $"warmup-{round}", Spec(warmupSteps), ct);
            self.Refresh();
            share = ThreadCpu.Between(threadsBefore, ThreadCpu.Snapshot(), ThreadCpu.JitThread)
                    / Math.Max(1, (self.TotalProcessorTime - cpuBefore).TotalMilliseconds);
            log.WriteLine($"warm-up round {round}: {warmupSteps} steps with {k} workers in {watch.Elapsed.TotalSeconds:0.0} s, JIT {share:P0} of the coordinator's CPU");
            if (share < SettledJitShare)
                return (round, share);
        }
        return (MaxWarmupRounds, share);
    }

    private TrainingSpec Spec(int stepCount) => new()
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = $"synthetic:{parameters}", Batch = batch, Steps = stepCount,
        Gradient = GradientMethod.Shift, Seed = 1,
    };

    /// <summary>K simulated workers spread evenly over the worker processes; returns once the coordinator sees them all.</summary>
    private async Task SetWorkersAsync(IActorRef coordinator, IReadOnlyList<Process> hosts, int k, CancellationToken ct)
    {
        var perHost = Enumerable.Range(0, hosts.Count).Select(i => k / hosts.Count + (i < k % hosts.Count ? 1 : 0)).ToList();
        for (int i = 0; i < hosts.Count; i++)
            await hosts[i].StandardInput.WriteLineAsync($"workers {perHost[i]}".AsMemory(), ct);
        foreach (var host in hosts)
            await ReadUntilAsync(host, "workers ", TimeSpan.FromSeconds(60), ct);
        int actors = layout == ActorLayout ? k : perHost.Count(n => n > 0);
        await WaitForWorkersAsync(coordinator, actors, Nodes.Workers.WorkerActor.HoldingFor(1) * k, ct);
    }

    private async Task<Measurement> MeasureAsync(IActorRef coordinator, IReadOnlyList<Process> hosts, int k, CancellationToken ct)
    {
        await SetWorkersAsync(coordinator, hosts, k, ct);
        // Warm-up (connections to every worker, the new worker actors), then the measured run.
        await RunAsync(coordinator, $"warmup-{k}", Spec(1), ct);

        var before = await WorkerTotalsAsync(coordinator, ct);
        int itemsPerStepExpected = batch * ((parameters + BlockSize - 1) / BlockSize);
        int measuredSteps = Math.Max(steps, (int)Math.Ceiling(MinMeasuredMs / (Math.Ceiling((double)itemsPerStepExpected / k) * itemMs)));
        var self = Process.GetCurrentProcess();
        self.Refresh();
        var cpuBefore = self.TotalProcessorTime;
        var jitBefore = System.Runtime.JitInfo.GetCompilationTime(currentThread: false);
        var threadsBefore = ThreadCpu.Snapshot();
        var bytesBefore = SocketBytes.OfProcess(Environment.ProcessId);
        var watch = Stopwatch.StartNew();
        var final = await RunAsync(coordinator, $"measured-{k}", Spec(measuredSteps), ct);
        var wall = watch.Elapsed.TotalMilliseconds;
        self.Refresh();
        var cpu = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds * 1000;
        var jit = (System.Runtime.JitInfo.GetCompilationTime(currentThread: false) - jitBefore).TotalMilliseconds;
        var jitCpuUs = ThreadCpu.Between(threadsBefore, ThreadCpu.Snapshot(), ThreadCpu.JitThread) * 1000;
        var bytes = SocketBytes.OfProcess(Environment.ProcessId) - bytesBefore;
        var after = await WorkerTotalsAsync(coordinator, ct);

        long items = final.ItemsByKind.Values.Sum();
        long itemsPerStep = items / Math.Max(1, final.Step);
        double itemMsMeasured = after.Items > before.Items ? (after.LatencyMs - before.LatencyMs) / (after.Items - before.Items) : itemMs;
        double stepMs = wall / measuredSteps;
        double idealStepMs = Math.Ceiling((double)itemsPerStep / k) * itemMsMeasured;
        double messagesPerItem = after.ResultMessages > before.ResultMessages && after.Items > before.Items
            ? (double)(after.ResultMessages - before.ResultMessages) / (after.Items - before.Items) : double.NaN;
        return new Measurement(k, idealStepMs / stepMs, cpu / items, bytes / (double)items, stepMs, idealStepMs, itemMsMeasured, itemsPerStep,
            self.WorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0, LoadAverage(), measuredSteps, jit, messagesPerItem, jitCpuUs / items);
    }

    private static readonly int BlockSize = new CoordinatorSettings().ShiftBlockSize;

    private static async Task<RunStatus> RunAsync(IActorRef coordinator, string runId, TrainingSpec spec, CancellationToken ct)
    {
        await LocalRunDriver.SubmitAsync(coordinator, runId, TrainingSpecJson.Serialize(spec), ct);
        var final = await LocalRunDriver.FollowAsync(coordinator, runId, null, ct, TimeSpan.FromMilliseconds(20));
        if (final.State != RunState.Completed)
            throw new CliException($"benchmark run {runId} ended {final.State}: {final.Error}");
        return final;
    }

    /// <summary>Waits until the coordinator sees exactly <paramref name="actors"/> worker actors holding <paramref name="capacity"/> in all.</summary>
    private static async Task WaitForWorkersAsync(IActorRef coordinator, int actors, int capacity, CancellationToken ct)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var list = await coordinator.Ask<WorkerList>(new GetWorkers(), TimeSpan.FromSeconds(10), ct);
            if (list.Workers.Count == actors && list.Workers.Sum(w => w.Capacity) == capacity)
                return;
            if (DateTime.UtcNow > until)
                throw new CliException($"the coordinator sees {list.Workers.Count} worker actors, not {actors}");
            await Task.Delay(100, ct);
        }
    }

    private static async Task<(long Items, double LatencyMs, long ResultMessages)> WorkerTotalsAsync(IActorRef coordinator, CancellationToken ct)
    {
        var list = await coordinator.Ask<WorkerList>(new GetWorkers(), TimeSpan.FromSeconds(10), ct);
        return (list.Workers.Sum(w => w.ItemsDone), list.Workers.Sum(w => w.MeanLatencyMs * w.ItemsDone), list.Workers.Sum(w => w.ResultMessages));
    }

    /// <summary>The 1-minute load average (the machine is shared: every measurement states it).</summary>
    public static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(text, CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private Process StartHost(string seed)
    {
        var self = typeof(ClusterScaleBenchmark).Assembly.Location;
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[] { self, "bench", SimulatedWorkersHostCommand.Name, "--seed", seed, "--item-ms", itemMs.ToString("R", CultureInfo.InvariantCulture),
                     "--layout", layout })
            info.ArgumentList.Add(a);
        var p = Process.Start(info) ?? throw new CliException("cannot start a worker process");
        _ = p.StandardError.ReadToEndAsync(CancellationToken.None); // drained so the child never blocks on a full pipe
        return p;
    }

    private static async Task ReadUntilAsync(Process p, string prefix, TimeSpan timeout, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (await p.StandardOutput.ReadLineAsync(cts.Token) is { } line)
                if (line.StartsWith(prefix, StringComparison.Ordinal))
                    return;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
        }
        throw new CliException($"a simulated worker process did not answer '{prefix.Trim()}' (exited: {p.HasExited})");
    }

    /// <summary>Closing stdin asks the host to leave; one that has not ended after a few seconds is killed.</summary>
    private static async Task StopHostAsync(Process p)
    {
        try
        {
            if (!p.HasExited)
            {
                p.StandardInput.Close();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
                try { await p.WaitForExitAsync(cts.Token); }
                catch (OperationCanceledException) { p.Kill(true); await p.WaitForExitAsync(CancellationToken.None); }
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            p.Dispose();
        }
    }
}
