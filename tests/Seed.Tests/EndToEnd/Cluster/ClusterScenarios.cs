using Xunit;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>The journal-independent scenarios of issue 5, run on SQLite and on PostgreSQL.</summary>
public static class ClusterScenarios
{
    /// <summary>(a) seed + coordinator and two simulator workers: parameters bit-identical to the embedded run.</summary>
    public static async Task ThreeProcessRunMatchesEmbedded(string journal, CancellationToken ct)
    {
        var spec = ClusterHarness.CircuitSpec(steps: 6);
        var expected = await ClusterHarness.EmbeddedParametersAsync(spec, ct);
        using var cluster = new ClusterHarness(journal, workers: 2);
        try
        {
            await cluster.WaitUntilUpAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var runId = await client.SubmitAsync(spec, null, ct);
            var final = await client.FollowAsync(runId, null, ct);
            Assert.Equal(RunState.Completed, final.State);
            Assert.Equal(6, final.Step);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
            var workers = await client.ListWorkersAsync(ct);
            Assert.Equal(2, workers.Workers.Count);
            Assert.All(workers.Workers, w => Assert.True(w.ItemsDone > 0, $"worker {w.Node} did no work"));
            Assert.Equal(final.CircuitEvaluations, workers.Workers.Sum(w => w.CircuitEvaluations));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }

    /// <summary>
    /// (c) kill -9 of the coordinator mid-run, restart with its original command line (itself the only seed, as the
    /// workers list only it): it rejoins the workers' cluster through the members it remembered in the journal instead
    /// of forming a second one (where no worker would ever serve it), and the run resumes to the same final parameters.
    /// </summary>
    public static async Task CoordinatorCrashResumesFromJournal(string journal, CancellationToken ct, Action<string>? output = null)
    {
        var spec = ClusterHarness.Spec(steps: 16, delayMs: 40, seed: 23);
        var expected = await ClusterHarness.EmbeddedParametersAsync(spec, ct);
        using var cluster = new ClusterHarness(journal, workers: 2);
        try
        {
            await cluster.WaitUntilUpAsync();
            string runId;
            long observed;
            using (var client = new GrpcRunClient(cluster.ManagementAddress))
            {
                runId = await client.SubmitAsync(spec, null, ct);
                observed = await WaitForStepAsync(client, runId, 4, ct);
                observed = (await client.GetAsync(runId, false, ct)).Step;
            }
            cluster.Coordinator.Kill();
            Assert.True(observed < spec.Steps, "the run finished before the coordinator was killed: the test proved nothing");

            // Restart on the same address with the same command line: itself first (and only) in --seeds.
            var restarted = System.Diagnostics.Stopwatch.StartNew();
            cluster.StartCoordinator(seeds: $"127.0.0.1:{cluster.CoordinatorPort}");
            await cluster.Coordinator.WaitForOutputAsync("node up", TimeSpan.FromSeconds(60));
            using var again = new GrpcRunClient(cluster.ManagementAddress);
            var resumed = await WaitForStatusAsync(again, runId, ct);
            Assert.True(resumed.Step >= observed, $"recovered at step {resumed.Step}, but step {observed} had been reported before the crash");
            // Only the workers of the first cluster can move the run on (the coordinator node has no worker role).
            var next = resumed;
            while (next.Step == resumed.Step && next.State == RunState.Running)
            {
                await Task.Delay(50, ct);
                next = await again.GetAsync(runId, false, ct);
            }
            output?.Invoke($"restarted coordinator: first new step {restarted.Elapsed.TotalSeconds:0.0}s after the restart");
            var final = await again.FollowAsync(runId, null, ct);
            Assert.Equal(RunState.Completed, final.State);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
            var workers = await again.ListWorkersAsync(ct);
            Assert.Equal(2, workers.Workers.Count(w => w.Reachable));
            // Whatever the workers logged of the coordinator's crash (refused connections, unreachable) went to stderr:
            // their stdout holds their one "node up" line. Whether a worker logs a warning at all depends on how fast
            // the coordinator was back (CI saw none from either), so only where logs go is asserted.
            foreach (var w in cluster.Workers)
            {
                Assert.False(w.HasExited, $"{w.Name} exited:\n{w.Describe()}");
                var lines = w.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                Assert.True(lines.Length == 1 && lines[0].StartsWith("node up:", StringComparison.Ordinal), w.Describe());
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }

    /// <summary>
    /// Polls the run every 100 ms until it ends (or <paramref name="ct"/>) and returns the longest time its step did
    /// not advance: the worst "seconds to resume" of whatever the test does meanwhile.
    /// </summary>
    public static async Task<TimeSpan> LongestStallAsync(GrpcRunClient client, string runId, CancellationToken ct)
    {
        long last = -1;
        var since = System.Diagnostics.Stopwatch.StartNew();
        var longest = TimeSpan.Zero;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var status = await client.GetAsync(runId, false, ct);
                if (status.Step != last)
                {
                    last = status.Step;
                    since.Restart();
                }
                else if (since.Elapsed > longest)
                {
                    longest = since.Elapsed;
                }
                if (status.State is RunState.Completed or RunState.Failed or RunState.Cancelled)
                    break;
            }
            catch (QD3PM.Seed.Cli.CliException)
            {
                // the coordinator is moving: the stall goes on
            }
            catch (OperationCanceledException)
            {
                break;
            }
            try { await Task.Delay(100, ct); } catch (OperationCanceledException) { break; }
        }
        return longest;
    }

    public static async Task<long> WaitForStepAsync(GrpcRunClient client, string runId, long step, CancellationToken ct)
    {
        while (true)
        {
            var status = await client.GetAsync(runId, false, ct);
            if (status.Step >= step)
                return status.Step;
            Assert.True(status.State is RunState.Running or RunState.Recovering or RunState.WaitingForJournal, $"run ended early: {status}");
            await Task.Delay(50, ct);
        }
    }

    /// <summary>First status answered after a restart (the coordinator singleton takes a moment to come back).</summary>
    public static async Task<RunStatus> WaitForStatusAsync(GrpcRunClient client, string runId, CancellationToken ct)
    {
        var until = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                var status = await client.GetAsync(runId, false, ct);
                if (status.State != RunState.Recovering)
                    return status;
            }
            catch (QD3PM.Seed.Cli.CliException) when (DateTime.UtcNow < until)
            {
            }
            await Task.Delay(200, ct);
        }
    }
}
