using System.Text.Json;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Training;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>Issue 7: run control and worker drain over a real loopback cluster, checked against the embedded run.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OpsRunTests
{
    [Fact(Timeout = 150_000)]
    public async Task Show_follows_a_run_drain_loses_nothing_and_pause_resume_act_within_a_step()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(140));
        var ct = timeout.Token;
        var spec = ClusterHarness.Spec(steps: 100, delayMs: 20, seed: 31);
        var expected = await ClusterHarness.EmbeddedParametersAsync(spec, ct);

        using var cluster = new OpsCluster(workers: 2);
        try
        {
            await cluster.WaitUntilUpAsync();
            using var client = new GrpcRunClient(cluster.Node);
            var runId = await client.SubmitAsync(spec, "ops-run", ct);

            // `runs show --json` follows the live run: the step only grows.
            var steps = new List<long>();
            await OpsCluster.Eventually(async () =>
            {
                var show = await cluster.JsonAsync("runs", "show", runId);
                steps.Add(show.GetProperty("run").GetProperty("step").GetInt64());
                Assert.Equal("running", show.GetProperty("run").GetProperty("state").GetString());
                return steps[^1] >= 3;
            }, TimeSpan.FromSeconds(40), "the run reaching step 3");
            Assert.True(steps.SequenceEqual(steps.Order()), "steps never go back: " + string.Join(",", steps));

            // Drain worker 2 mid-run: it finishes its items, takes no new ones and leaves; the run loses nothing.
            var drained = cluster.WorkerPorts[1];
            var before = await cluster.JsonAsync("runs", "show", runId);
            Assert.True(before.GetProperty("run").GetProperty("step").GetInt64() < spec.Steps - 5, "the drain happens mid-run");
            using (var drain = await cluster.CliAsync("worker", "drain", $"127.0.0.1:{drained}", "--wait", "25"))
            {
                Assert.True(drain.ExitCode == 0, drain.Describe());
                Assert.Contains("it has left", drain.StandardOutput);
            }
            Assert.True(await cluster.Workers[1].WaitForExitAsync(TimeSpan.FromSeconds(20)), "the drained node's process ends");
            Assert.Equal(0, cluster.Workers[1].ExitCode);

            // Pause: the step in progress is dropped, so the step count stops where the reply says.
            var paused = await cluster.JsonAsync("runs", "pause", runId);
            Assert.Equal("paused", paused.GetProperty("state").GetString());
            var pausedAt = paused.GetProperty("step").GetInt64();
            await Task.Delay(1500, ct);
            var still = await cluster.JsonAsync("runs", "show", runId);
            Assert.Equal("paused", still.GetProperty("run").GetProperty("state").GetString());
            Assert.Equal(pausedAt, still.GetProperty("run").GetProperty("step").GetInt64());
            Assert.Equal(0, still.GetProperty("run").GetProperty("itemsOutstanding").GetInt32());

            var resumed = await cluster.JsonAsync("runs", "resume", runId);
            Assert.Equal("running", resumed.GetProperty("state").GetString());
            await OpsCluster.Eventually(async () =>
                (await cluster.JsonAsync("runs", "show", runId)).GetProperty("run").GetProperty("step").GetInt64() > pausedAt + 1,
                TimeSpan.FromSeconds(20), "steps after resume");

            var final = await client.FollowAsync(runId, null, ct);
            Assert.Equal(RunState.Completed, final.State);
            Assert.Equal(spec.Steps, final.Step);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);

            // Nothing the drained worker held was handed to another worker: it finished every item it had.
            using var log = await cluster.CliAsync("log", "tail", "--no-follow", "--last", "2000", "--json");
            var messages = log.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(l => JsonDocument.Parse(l).RootElement.GetProperty("message").GetString()!).ToList();
            Assert.Contains($"worker 127.0.0.1:{drained} is gone; re-queued 0 items", messages);
            var done = await cluster.JsonAsync("runs", "show", runId);
            Assert.Equal("completed", done.GetProperty("run").GetProperty("state").GetString());
            Assert.Equal(spec.Steps, done.GetProperty("run").GetProperty("step").GetInt64());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }
}
