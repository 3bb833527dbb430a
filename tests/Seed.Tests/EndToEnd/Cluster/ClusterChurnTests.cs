using System.Diagnostics;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;
using Xunit;
using Xunit.Abstractions;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>
/// Issue 10: workers killed (kill -9) and replaced every 5 s, five times, during a run. With the production membership
/// settings (only the failure detector is the fast loopback one) no other node may exit, every replacement joins,
/// and the run finishes bit-identical to the embedded run.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterChurnTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-e2e-churn-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>Two items per step that each wait 30 ms without using the CPU: the run lasts ~40 s, the machine stays idle.</summary>
    private static TrainingSpec ChurnSpec => new()
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = "synthetic:24:30:idle", Batch = 2, Steps = 1000, Seed = 29,
        Gradient = GradientMethod.Shift, LearningRate = 0.01,
    };

    [Fact(Timeout = 180_000)]
    public async Task Killing_and_replacing_a_worker_every_5_s_downs_no_other_node_and_the_run_finishes_bit_identically()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(170));
        var ct = cts.Token;
        var spec = ChurnSpec;
        // The embedded reference runs alongside the cluster run: both mostly wait on timers, so they barely compete.
        var expectedTask = Task.Run(() => ClusterHarness.EmbeddedParametersAsync(spec, ct), ct);
        using var cluster = new ClusterHarness("sqlite:" + Path.Combine(_dir, "journal.db"), workers: 3);
        var killed = new List<Qd3pmProcess>();
        try
        {
            await cluster.WaitUntilUpAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var runId = await client.SubmitAsync(spec, null, ct);
            await ClusterScenarios.WaitForStepAsync(client, runId, 20, ct);

            var stall = ClusterScenarios.LongestStallAsync(client, runId, ct);
            var clock = Stopwatch.StartNew();
            for (int round = 0; round < 5; round++)
            {
                var due = TimeSpan.FromSeconds(5 * round);
                if (clock.Elapsed < due)
                    await Task.Delay(due - clock.Elapsed, ct);
                // The oldest live worker goes; its replacement takes the same port (a new incarnation of the member) on
                // even rounds and a new port on odd ones (a new member while the old one is still unreachable).
                var victim = cluster.Workers.First(w => !killed.Contains(w));
                var port = cluster.WorkerPorts[cluster.Workers.IndexOf(victim)];
                victim.Kill();
                killed.Add(victim);
                var replacement = cluster.StartWorker(round % 2 == 0 ? port : FreePort.Get());
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0}s: killed the worker on port {port}, started {replacement.Name}");
            }
            var atLastKill = await client.GetAsync(runId, false, ct);
            Assert.True(atLastKill.Step < spec.Steps, $"the run finished (step {atLastKill.Step}) before the last kill: the test proved nothing");

            // Every replacement joins the busy cluster (WeaklyUp or Up) instead of giving up.
            foreach (var w in cluster.Workers.Where(w => !killed.Contains(w)))
                await w.WaitForOutputAsync("node up", TimeSpan.FromSeconds(30));

            var final = await client.FollowAsync(runId, null, ct);
            output.WriteLine($"run finished {clock.Elapsed.TotalSeconds:0.0}s after the first kill; longest pause between steps {(await stall).TotalSeconds:0.0}s");
            Assert.Equal(RunState.Completed, final.State);
            Assert.Equal(spec.Steps, final.Step);
            ClusterHarness.AssertBitIdentical(await expectedTask, final.Parameters);

            // Nothing but the killed processes exited: the coordinator, the surviving and the replacement workers.
            Assert.False(cluster.Coordinator.HasExited, "the coordinator exited:\n" + cluster.Coordinator.Describe());
            foreach (var w in cluster.Workers.Where(w => !killed.Contains(w)))
                Assert.False(w.HasExited, $"{w.Name} exited:\n{w.Describe()}");
            var until = DateTime.UtcNow.AddSeconds(15);
            int live;
            while ((live = (await client.ListWorkersAsync(ct)).Workers.Count(w => w.Reachable)) != 3 && DateTime.UtcNow < until)
                await Task.Delay(250, ct);
            Assert.Equal(3, live); // the three workers alive now, and none of the killed ones
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }
}
