using Xunit;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>Real `qd3pm node` processes on loopback with the SQLite journal (issue 5, scenarios a, b, c).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterSqliteTests(Xunit.Abstractions.ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-e2e-").FullName;

    private string Journal => "sqlite:" + Path.Combine(_dir, "journal.db");

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_three_process_cluster_trains_bit_identically_to_the_embedded_run()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        await ClusterScenarios.ThreeProcessRunMatchesEmbedded(Journal, cts.Token);
    }

    [Fact(Timeout = 120_000)]
    public async Task B_killing_a_worker_mid_run_loses_nothing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = cts.Token;
        var spec = ClusterHarness.Spec(steps: 14, delayMs: 40, seed: 17);
        var expected = await ClusterHarness.EmbeddedParametersAsync(spec, ct);
        using var cluster = new ClusterHarness(Journal, workers: 2);
        try
        {
            await cluster.WaitUntilUpAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var runId = await client.SubmitAsync(spec, null, ct);
            await ClusterScenarios.WaitForStepAsync(client, runId, 3, ct);
            cluster.Workers[0].Kill();
            var atKill = await client.GetAsync(runId, false, ct);
            Assert.True(atKill.Step < 14, "the run finished before the worker was killed: the test proved nothing");
            var final = await client.FollowAsync(runId, null, ct);
            Assert.Equal(RunState.Completed, final.State);
            Assert.Equal(14, final.Step);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task B_a_worker_stopped_with_SIGTERM_leaves_cleanly_and_loses_nothing()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = cts.Token;
        var spec = ClusterHarness.Spec(steps: 14, delayMs: 40, seed: 19);
        var expected = await ClusterHarness.EmbeddedParametersAsync(spec, ct);
        using var cluster = new ClusterHarness(Journal, workers: 2);
        try
        {
            await cluster.WaitUntilUpAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var runId = await client.SubmitAsync(spec, null, ct);
            await ClusterScenarios.WaitForStepAsync(client, runId, 3, ct);
            cluster.Workers[1].Terminate();
            Assert.True(await cluster.Workers[1].WaitForExitAsync(TimeSpan.FromSeconds(30)), "worker did not exit after SIGTERM");
            Assert.Equal(0, cluster.Workers[1].ExitCode);
            Assert.Contains("node leaving the cluster", cluster.Workers[1].StandardOutput);
            var final = await client.FollowAsync(runId, null, ct);
            Assert.Equal(RunState.Completed, final.State);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }

    [Fact(Timeout = 150_000)]
    public async Task C_killing_the_coordinator_mid_run_resumes_from_the_journal()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(140));
        await ClusterScenarios.CoordinatorCrashResumesFromJournal(Journal, cts.Token, output.WriteLine);
    }
}
