using QD3PM.Seed.Tests.Commands;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Qpu;

/// <summary>
/// Issue 12: a run-wide QPU budget. `qd3pm train --qpu` (embedded) against the emulator: the run stops between steps
/// when its budget is spent or the next step's forecast spend would overrun it (exit 11, one error line), `--resume`
/// with a higher budget finishes it, and the result is
/// bit-identical to an unlimited run against an emulator with the same seed (its counts depend on the job keys only).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class QpuBudgetEndToEndTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-budget-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>SPSA on the QPU only: 2 samples x 2 circuits x 100 shots = 400 QPU shots per step, 4 steps.</summary>
    private static string[] Train(string qpuUrl, string outDir, params string[] extra) =>
    [
        "train", "--dataset", "bas:2x2", "--mode", "single-step", "--layers", "1", "--steps", "4", "--batch", "2", "--seed", "3",
        "--lr", "0.05", "--shots", "100", "--gradient", "spsa", "--backend-policy", "qpu-only", "--qpu", qpuUrl,
        "--eval-every", "0", "--eval-samples", "200", "--out", outDir, .. extra,
    ];

    [Theory]
    [InlineData("--qpu-budget-shots", "0", "--qpu-budget-shots must be at least 1")]
    [InlineData("--qpu-budget-cost", "-2", "--qpu-budget-cost must be a positive number")]
    public async Task A_budget_below_one_shot_or_not_a_positive_price_is_one_error_line(string flag, string value, string message)
    {
        using var p = await Qd3pmProcess.RunAsync(Timeout, Train("http://127.0.0.1:9", Path.Combine(_dir, "bad"), flag, value));
        CliAssert.OneErrorLine(p, message, 2);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_run_stopped_by_its_qpu_budget_resumes_with_a_higher_one_to_the_parameters_of_an_unlimited_run()
    {
        using var unlimitedQpu = new QpuCluster();
        await unlimitedQpu.StartEmulatorAsync("--queue-ms", "0", "--shot-us", "0");
        string unlimited = Path.Combine(_dir, "unlimited");
        using (var reference = await Qd3pmProcess.RunAsync(Timeout, Train(unlimitedQpu.QpuUrl, unlimited)))
            Assert.True(reference.ExitCode == 0, reference.Describe());
        Assert.Equal(1600, unlimitedQpu.Scalar("SELECT SUM(circuits * shots) FROM executions"));

        using var qpu = new QpuCluster();
        await qpu.StartEmulatorAsync("--queue-ms", "0", "--shot-us", "0");
        string run = Path.Combine(_dir, "budgeted");
        using (var stopped = await Qd3pmProcess.RunAsync(Timeout, Train(qpu.QpuUrl, run, "--qpu-budget-shots", "1000")))
        {
            // After step 1 the run has spent 800 shots and step 2 would take it to 1,200: step 2 does not start.
            Assert.True(stopped.ExitCode == 11, stopped.Describe());
            var errors = stopped.StandardError.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
            Assert.True(errors.Count == 1, stopped.Describe());
            Assert.Contains("stopped at step 2 of 4: budget exhausted: the next step would spend about QPU shots 400, cost ", errors[0]);
            Assert.Contains("; left: QPU shots 200;", errors[0]);
            Assert.DoesNotContain("   at ", stopped.StandardError + stopped.StandardOutput, StringComparison.Ordinal);
        }
        Assert.Equal(800, qpu.Scalar("SELECT SUM(circuits * shots) FROM executions"));
        Assert.False(File.Exists(Path.Combine(run, "model.json")));

        // --resume without a higher budget stops again at once; with one it finishes.
        using (var still = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", run, "--qpu", qpu.QpuUrl))
            Assert.True(still.ExitCode == 11, still.Describe());
        using (var resumed = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", run, "--qpu", qpu.QpuUrl, "--qpu-budget-shots", "100000"))
            Assert.True(resumed.ExitCode == 0, resumed.Describe());

        Assert.Equal(RunFiles.Parameters(unlimited), RunFiles.Parameters(run));
        Assert.Equal(1600, qpu.Scalar("SELECT SUM(circuits * shots) FROM executions"));
        Assert.Empty(qpu.Query("SELECT idempotency_key FROM executions GROUP BY idempotency_key HAVING COUNT(*) > 1"));
    }

    [Fact(Timeout = 240_000)]
    public async Task On_a_cluster_the_coordinator_stops_the_run_at_its_budget_and_runs_resume_with_a_higher_one_finishes_it()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(220));
        var ct = cts.Token;
        using var cluster = new QpuCluster();
        await cluster.StartEmulatorAsync("--queue-ms", "0", "--shot-us", "0");
        await cluster.StartCoordinatorAsync();
        // Two proxies: the budget is the run's, whichever proxy spends it.
        cluster.StartWorker("qpu-proxy");
        cluster.StartWorker("qpu-proxy");
        await cluster.WaitForWorkersAsync();
        using var client = new QD3PM.Seed.Training.GrpcRunClient(cluster.ManagementAddress)
        {
            Budget = new QD3PM.Protocol.Cluster.RunBudget { MaxShots = 800 },
        };
        // SPSA, 2 samples x 2 circuits x 100 shots = 400 shots per step, one item per sample
        var spec = QpuCluster.Spec(steps: 4, QD3PM.Core.Training.BackendPolicy.QpuOnly, shots: 100) with
        {
            Gradient = QD3PM.Core.Training.GradientMethod.Spsa, JobCircuits = 2,
        };
        var runId = await client.SubmitAsync(spec, null, ct);
        var stopped = await client.FollowAsync(runId, null, ct);
        Assert.True(stopped.State == QD3PM.Protocol.Cluster.RunState.BudgetExhausted, $"{stopped.State}: {stopped.Error}\n{cluster.Describe()}");
        Assert.Equal(2, stopped.Step);
        Assert.Equal(800, stopped.QpuShots);
        Assert.Equal(stopped.QpuShots, cluster.Scalar("SELECT SUM(circuits * shots) FROM executions")); // the run's count is the QPU's

        using (var show = await Qd3pmProcess.RunAsync(Timeout, "runs", "show", runId, "--node", cluster.ManagementAddress))
        {
            Assert.True(show.ExitCode == 0, show.Describe());
            Assert.Contains("budget-exhausted", show.StandardOutput);
            Assert.Contains("QPU shots 800 of 800", show.StandardOutput);
        }
        // `runs watch` ends on the stopped run with the budget's line and exit code instead of watching forever.
        using (var watched = await Qd3pmProcess.RunAsync(Timeout, "runs", "watch", runId, "--node", cluster.ManagementAddress))
            CliAssert.OneErrorLine(watched, "stopped at step 2 of 4: budget exhausted: QPU shots 800 of 800; continue with `qd3pm runs resume", 11);
        // A budget that is not above what the run has spent leaves it stopped (exit 11).
        using (var tooLittle = await Qd3pmProcess.RunAsync(Timeout, "runs", "resume", runId, "--node", cluster.ManagementAddress, "--qpu-budget-shots", "800"))
            CliAssert.OneErrorLine(tooLittle, "stopped at step 2 of 4: budget exhausted: QPU shots 800 of 800", 11);
        // Nor does one that does not cover the next step's 400 shots: the coordinator forecasts them from the spec.
        using (var notEnough = await Qd3pmProcess.RunAsync(Timeout, "runs", "resume", runId, "--node", cluster.ManagementAddress, "--qpu-budget-shots", "1199"))
            CliAssert.OneErrorLine(notEnough, "stopped at step 2 of 4: budget exhausted: the next step would spend about QPU shots 400, cost ", 11);
        // 1,200 covers exactly one more step.
        using (var oneMore = await Qd3pmProcess.RunAsync(Timeout, "runs", "resume", runId, "--node", cluster.ManagementAddress, "--qpu-budget-shots", "1200"))
            Assert.True(oneMore.ExitCode == 0, oneMore.Describe());
        var again = await client.FollowAsync(runId, null, ct);
        Assert.Equal(QD3PM.Protocol.Cluster.RunState.BudgetExhausted, again.State);
        Assert.Equal(3, again.Step);
        Assert.Equal(1200, again.QpuShots);

        using (var resumed = await Qd3pmProcess.RunAsync(Timeout, "runs", "resume", runId, "--node", cluster.ManagementAddress, "--qpu-budget-shots", "100000"))
            Assert.True(resumed.ExitCode == 0, resumed.Describe());
        var final = await client.FollowAsync(runId, null, ct);
        Assert.True(final.State == QD3PM.Protocol.Cluster.RunState.Completed, $"{final.State}: {final.Error}");
        Assert.Equal(1600, final.QpuShots);
        Assert.Equal(final.QpuShots, cluster.Scalar("SELECT SUM(circuits * shots) FROM executions"));
        Assert.Empty(cluster.Query("SELECT idempotency_key FROM executions GROUP BY idempotency_key HAVING COUNT(*) > 1"));
    }
}
