using Xunit;
using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Tests.EndToEnd.Qpu;

/// <summary>Issue 6: QPU-proxy workers against the emulator, real processes on loopback.</summary>
[Collection(ClusterCollection.Name)]
public sealed class QpuEndToEndTests
{
    private static async Task Guard(QpuCluster cluster, Func<Task> body)
    {
        try
        {
            await body();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }

    [Fact(Timeout = 120_000)]
    public async Task Qpu_only_run_with_transient_failures_completes_and_the_ledger_shows_every_item_executed_once()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = cts.Token;
        using var cluster = new QpuCluster();
        await Guard(cluster, async () =>
        {
            // 20 circuits per job: every item needs a base job and three shifted chunks, so ~24 jobs meet a 20% failure rate.
            await cluster.StartEmulatorAsync("--fail-rate", "0.2", "--queue-ms", "20", "--shot-us", "1", "--max-circuits", "20");
            await cluster.StartCoordinatorAsync();
            var proxy = cluster.StartWorker("qpu-proxy");
            await cluster.WaitForWorkersAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var spec = QpuCluster.Spec(steps: 3, BackendPolicy.QpuOnly);
            var runId = await client.SubmitAsync(spec, null, ct);
            var final = await client.FollowAsync(runId, null, ct);
            Assert.True(final.State == RunState.Completed, $"run {final.State}: {final.Error}");
            Assert.Equal(3, final.Step);
            Assert.Equal(6, final.ItemsByKind["qpu-proxy"]);
            Assert.False(final.ItemsByKind.ContainsKey("simulator"));

            Assert.True(cluster.Scalar("SELECT COUNT(*) FROM failures WHERE kind = 'Transient'") > 0, "no failure was injected: the test proved nothing");
            Assert.Empty(cluster.Query("SELECT idempotency_key FROM executions GROUP BY idempotency_key HAVING COUNT(*) > 1"));
            Assert.Equal(0, cluster.Scalar("SELECT COUNT(*) FROM jobs WHERE state <> 'Done'"));
            // every (step, sample) ran its unshifted circuits once, and every item its shifted circuits once
            var keys = cluster.Query("SELECT idempotency_key FROM executions").Select(r => (string)r[0]).ToList();
            var items = keys.Select(k => string.Join('/', k.Split('/')[1..3])).Distinct().Order().ToList();
            Assert.Equal(["0/0", "0/1", "1/0", "1/1", "2/0", "2/1"], items);
            Assert.All(items, i => Assert.Single(keys, k => k.Contains($"/{i}/base/", StringComparison.Ordinal)));
            Assert.Equal(final.CircuitEvaluations, cluster.Scalar("SELECT SUM(circuits) FROM executions"));
            Assert.False(proxy.HasExited);
        });
    }

    [Fact(Timeout = 120_000)]
    public async Task Spsa_run_on_the_qpu_only_with_20_percent_transient_failures_executes_no_job_twice()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = cts.Token;
        using var cluster = new QpuCluster();
        await Guard(cluster, async () =>
        {
            await cluster.StartEmulatorAsync("--fail-rate", "0.2", "--queue-ms", "0", "--shot-us", "0");
            await cluster.StartCoordinatorAsync();
            var proxy = cluster.StartWorker("qpu-proxy");
            await cluster.WaitForWorkersAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            // SPSA: two circuits per sample; items packed to two circuits (one sample each) so 40 jobs meet the failures
            var spec = QpuCluster.Spec(steps: 10, BackendPolicy.QpuOnly, batch: 4) with { Gradient = GradientMethod.Spsa, JobCircuits = 2 };
            var runId = await client.SubmitAsync(spec, null, ct);
            var final = await client.FollowAsync(runId, null, ct);
            Assert.True(final.State == RunState.Completed, $"run {final.State}: {final.Error}");
            Assert.Equal(40, final.ItemsByKind["qpu-proxy"]);
            Assert.Equal(80, final.CircuitEvaluations); // 2 circuits x 4 samples x 10 steps: SPSA's cost does not grow with the 29 parameters

            Assert.True(cluster.Scalar("SELECT COUNT(*) FROM failures WHERE kind = 'Transient'") > 0, "no failure was injected: the test proved nothing");
            var ledger = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "qpu", "ledger", "--ledger", cluster.LedgerPath, "--json");
            Assert.Equal(0, ledger.ExitCode);
            using var summary = System.Text.Json.JsonDocument.Parse(ledger.StandardOutput);
            Assert.Equal(0, summary.RootElement.GetProperty("duplicateExecutions").GetInt64());
            Assert.Equal(40, summary.RootElement.GetProperty("executions").GetInt64());
            Assert.Equal(80, summary.RootElement.GetProperty("circuitsExecuted").GetInt64());
            Assert.False(proxy.HasExited);
        });
    }

    [Fact(Timeout = 120_000)]
    public async Task Mixed_pool_of_a_simulator_and_a_qpu_proxy_completes_and_both_do_work()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = cts.Token;
        using var cluster = new QpuCluster();
        await Guard(cluster, async () =>
        {
            await cluster.StartEmulatorAsync("--queue-ms", "50", "--shot-us", "1");
            await cluster.StartCoordinatorAsync();
            cluster.StartWorker("simulator");
            cluster.StartWorker("qpu-proxy");
            await cluster.WaitForWorkersAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var spec = QpuCluster.Spec(steps: 4, BackendPolicy.Mixed, batch: 6);
            var runId = await client.SubmitAsync(spec, null, ct);
            var final = await client.FollowAsync(runId, null, ct);
            Assert.True(final.State == RunState.Completed, $"run {final.State}: {final.Error}");
            Assert.True(final.ItemsByKind.GetValueOrDefault("simulator") > 0, "the simulator did no work");
            Assert.True(final.ItemsByKind.GetValueOrDefault("qpu-proxy") > 0, "the QPU did no work");
            Assert.Equal(24, final.ItemsByKind.Values.Sum());
            var workers = await client.ListWorkersAsync(ct);
            Assert.All(workers.Workers, w => Assert.True(w.ItemsDone > 0, $"worker {w.Node} ({w.Kind}) did no work"));
            Assert.Empty(cluster.Query("SELECT idempotency_key FROM executions GROUP BY idempotency_key HAVING COUNT(*) > 1"));
        });
    }

    [Fact(Timeout = 150_000)]
    public async Task Killing_the_QPU_mid_run_pauses_QPU_work_and_it_resumes_when_the_QPU_returns()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(140));
        var ct = cts.Token;
        using var cluster = new QpuCluster();
        await Guard(cluster, async () =>
        {
            string[] emulatorArgs = ["--queue-ms", "150", "--shot-us", "2"];
            await cluster.StartEmulatorAsync(emulatorArgs);
            await cluster.StartCoordinatorAsync();
            var proxy = cluster.StartWorker("qpu-proxy");
            await cluster.WaitForWorkersAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var spec = QpuCluster.Spec(steps: 6, BackendPolicy.QpuOnly);
            var runId = await client.SubmitAsync(spec, null, ct);
            await ClusterScenarios.WaitForStepAsync(client, runId, 2, ct);
            cluster.Emulator!.Kill();
            var atKill = await client.GetAsync(runId, false, ct);
            Assert.True(atKill.Step < spec.Steps, "the run finished before the QPU was killed: the test proved nothing");

            await proxy.WaitForOutputAsync("unavailable", TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(2), ct);
            var paused = await client.GetAsync(runId, false, ct);
            Assert.Equal(RunState.Running, paused.State);
            Assert.True(paused.Step <= atKill.Step + 1, $"steps went on without a QPU: {atKill.Step} -> {paused.Step}");

            await cluster.StartEmulatorAsync(emulatorArgs);
            var final = await client.FollowAsync(runId, null, ct);
            Assert.True(final.State == RunState.Completed, $"run {final.State}: {final.Error}");
            Assert.Equal(spec.Steps, final.Step);
            await proxy.WaitForOutputAsync("reachable again", TimeSpan.FromSeconds(10));
            Assert.Empty(cluster.Query("SELECT idempotency_key FROM executions GROUP BY idempotency_key HAVING COUNT(*) > 1"));
            Assert.Equal(spec.Steps * spec.Batch, final.ItemsByKind["qpu-proxy"]);
        });
    }

    [Fact(Timeout = 90_000)]
    public async Task A_wrong_token_is_refused_with_one_clear_error()
    {
        using var cluster = new QpuCluster();
        await Guard(cluster, async () =>
        {
            await cluster.StartEmulatorAsync("--token", "s3cret");
            var wrong = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "node", "--roles", "qpu-proxy", "--port", FreePort.Get().ToString(),
                "--seeds", $"127.0.0.1:{cluster.CoordinatorPort}", "--qpu", cluster.QpuUrl, "--qpu-token", "guess");
            Assert.Equal(3, wrong.ExitCode);
            var lines = wrong.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var line = Assert.Single(lines);
            Assert.StartsWith("error: the QPU at", line);
            Assert.Contains("refused", line);
            Assert.Contains("--qpu-token", line);
            Assert.DoesNotContain("node up", wrong.StandardOutput);

            var missing = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "node", "--roles", "qpu-proxy", "--port", FreePort.Get().ToString(),
                "--seeds", $"127.0.0.1:{cluster.CoordinatorPort}", "--qpu", cluster.QpuUrl);
            Assert.Equal(3, missing.ExitCode);
            Assert.Contains("needs a bearer token", Assert.Single(missing.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries)));
            Assert.Equal(0, cluster.Scalar("SELECT COUNT(*) FROM jobs"));
        });
    }

    [Fact(Timeout = 120_000)]
    public async Task A_shot_budget_stops_submission_before_it_is_exceeded()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = cts.Token;
        using var cluster = new QpuCluster();
        await Guard(cluster, async () =>
        {
            const long budget = 30_000; // an item is ~55 circuits x 200 shots: two or three items fit, not six
            await cluster.StartEmulatorAsync("--queue-ms", "20", "--shot-us", "1");
            await cluster.StartCoordinatorAsync();
            var proxy = cluster.StartWorker("qpu-proxy", "--qpu-budget-shots", budget.ToString(), "--qpu-capacity", "1");
            await cluster.WaitForWorkersAsync();
            using var client = new GrpcRunClient(cluster.ManagementAddress);
            var runId = await client.SubmitAsync(QpuCluster.Spec(steps: 3, BackendPolicy.QpuOnly), null, ct);
            var final = await client.FollowAsync(runId, null, ct);
            Assert.Equal(RunState.Failed, final.State);
            Assert.Contains("budget", final.Error);
            long spent = cluster.Scalar("SELECT SUM(circuits * shots) FROM executions");
            Assert.True(spent > 0, "nothing ran: the budget was never approached");
            Assert.True(spent <= budget, $"{spent} shots executed against a budget of {budget}");
            Assert.Contains("refused before submitting", proxy.StandardError);
        });
    }
}
