using System.Security.Cryptography;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>Issue 5 (e): user-caused failures end with one `error:` line and a non-zero exit, and damage nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterErrorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-e2e-err-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static void AssertOneErrorLine(Qd3pmProcess p, string contains)
    {
        Assert.NotEqual(0, p.ExitCode);
        var lines = p.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var errors = lines.Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, p.Describe());
        Assert.Contains(contains, errors[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", p.StandardError + p.StandardOutput, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Unreachable_seed_is_one_error_line()
    {
        var p = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(50), "node", "--roles", "simulator", "--port", FreePort.Get().ToString(),
            "--seeds", $"127.0.0.1:{FreePort.Get()}", "--hocon", RepoPaths.TestHocon, "--join-timeout", "4");
        AssertOneErrorLine(p, "could not join the cluster");
    }

    [Fact(Timeout = 60_000)]
    public async Task Corrupt_sqlite_journal_is_refused_and_left_untouched()
    {
        var path = Path.Combine(_dir, "corrupt.db");
        var bytes = new byte[64 * 1024];
        new Random(5).NextBytes(bytes);
        await File.WriteAllBytesAsync(path, bytes);
        var before = SHA256.HashData(bytes);

        var p = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(50), "node", "--roles", "coordinator", "--port", FreePort.Get().ToString(),
            "--journal", "sqlite:" + path, "--hocon", RepoPaths.TestHocon);
        AssertOneErrorLine(p, "journal");
        Assert.Equal(before, SHA256.HashData(await File.ReadAllBytesAsync(path)));
    }

    [Fact(Timeout = 60_000)]
    public async Task Unreachable_postgres_journal_is_one_error_line()
    {
        var p = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(50), "node", "--roles", "coordinator", "--port", FreePort.Get().ToString(),
            "--journal", $"postgres:Host=127.0.0.1;Port={FreePort.Get()};Database=none;Username=none;Password=secret;Timeout=3",
            "--hocon", RepoPaths.TestHocon);
        AssertOneErrorLine(p, "journal");
        Assert.DoesNotContain("secret", p.StandardError, StringComparison.Ordinal);
    }

    [Fact(Timeout = 60_000)]
    public async Task Bad_flags_are_one_error_line()
    {
        var p = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "node", "--roles", "coordinator,gpu", "--journal", "mysql:x");
        AssertOneErrorLine(p, "unknown role 'gpu'");
    }

    private string Journal => Path.Combine(_dir, "journal.db");

    /// <summary>A coordinator node (with a simulator) on this test's SQLite journal, its management port on <paramref name="mgmt"/>.</summary>
    private Qd3pmProcess StartNode(int mgmt, int? clusterPort = null) => Qd3pmProcess.Start("node", "node", "--roles", "coordinator,simulator",
        "--port", (clusterPort ?? FreePort.Get()).ToString(), "--journal", "sqlite:" + Journal, "--mgmt-port", mgmt.ToString(), "--hocon", RepoPaths.TestHocon);

    /// <summary>
    /// Trains one run to its end on a node, stops the node by its PID, and leaves the journal as one file (its WAL
    /// side files checkpointed and removed), to be damaged the way a test wants.
    /// </summary>
    private async Task TrainOneRunAndStop(string runId, int steps, CancellationToken ct)
    {
        int mgmt = FreePort.Get();
        using (var node = StartNode(mgmt))
        {
            await node.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
            using var client = new GrpcRunClient($"127.0.0.1:{mgmt}");
            Assert.Equal(RunState.Completed, (await client.FollowAsync(await client.SubmitAsync(ClusterHarness.Spec(steps, 0), runId, ct), null, ct)).State);
            node.Terminate();
            Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(30)), node.Describe());
        }
        foreach (var side in Directory.GetFiles(_dir, "journal.db-*"))
            File.Delete(side);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_run_whose_events_cannot_be_read_ends_its_client_with_exit_9_while_the_cluster_keeps_it()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = timeout.Token;
        await TrainOneRunAndStop("damaged", 3, ct);
        Assert.True(JournalTable.Execute(Journal, "UPDATE journal SET message = zeroblob(length(message)) WHERE persistence_id = 'run-damaged'")
            + JournalTable.Execute(Journal, "UPDATE snapshot SET snapshot = zeroblob(length(snapshot)) WHERE persistence_id = 'run-damaged'") > 0);

        int mgmt = FreePort.Get();
        using var node = StartNode(mgmt);
        await node.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
        using var again = new GrpcRunClient($"127.0.0.1:{mgmt}");
        var stopped = await Assert.ThrowsAsync<CliException>(() => again.FollowAsync("damaged", null, ct));
        Assert.Equal(ExitCodes.JournalDamaged, stopped.ExitCode);
        Assert.Contains("run damaged on the cluster at", stopped.Message, StringComparison.Ordinal);
        Assert.Contains("recovery from the journal failed", stopped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', stopped.Message);
        // The cluster still shows the run as waiting for its journal (it keeps retrying), and trains other runs.
        Assert.Equal(RunState.WaitingForJournal, (await again.GetAsync("damaged", false, ct)).State);
        Assert.Equal(RunState.Completed, (await again.FollowAsync(await again.SubmitAsync(ClusterHarness.Spec(2, 0), "fresh", ct), null, ct)).State);
        node.Terminate();
        Assert.True(await node.WaitForExitAsync(TimeSpan.FromSeconds(30)), node.Describe());
    }

    [Fact(Timeout = 120_000)]
    public async Task A_coordinator_that_cannot_read_its_run_registry_refuses_a_submit_with_exit_9_on_every_node_and_logs_one_line_per_attempt()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        var ct = timeout.Token;
        await TrainOneRunAndStop("kept", 2, ct);
        Assert.True(JournalTable.Execute(Journal, "UPDATE journal SET message = zeroblob(length(message)) WHERE persistence_id = 'qd3pm-coordinator'") > 0);
        string before = JournalTable.Digest(Journal);

        int port = FreePort.Get(), mgmt = FreePort.Get(), workerMgmt = FreePort.Get();
        using var node = StartNode(mgmt, port);
        await node.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
        // a node without the coordinator role: its management service has no journal and no coordinator of its own
        using var worker = Qd3pmProcess.Start("worker", "node", "--roles", "simulator", "--port", FreePort.Get().ToString(),
            "--seeds", $"127.0.0.1:{port}", "--mgmt-port", workerMgmt.ToString(), "--hocon", RepoPaths.TestHocon);
        await worker.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
        foreach (int at in new[] { mgmt, workerMgmt })
        {
            using var again = new GrpcRunClient($"127.0.0.1:{at}");
            var refused = await Assert.ThrowsAsync<CliException>(() => again.SubmitAsync(ClusterHarness.Spec(2, 0), "new", ct));
            Assert.Equal(ExitCodes.JournalDamaged, refused.ExitCode);
            Assert.Contains("the training coordinator cannot start: reading the coordinator's run registry from the journal failed", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', refused.Message);
        }
        foreach (var p in new[] { worker, node })
        {
            p.Terminate();
            Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(30)), p.Describe());
        }
        Assert.Contains("run registry from the journal failed", node.StandardError, StringComparison.Ordinal); // the operator's line
        Assert.DoesNotContain("   at ", node.StandardError, StringComparison.Ordinal); // no stack trace per attempt
        Assert.Equal(before, JournalTable.Digest(Journal)); // nothing was written over the registry it could not read
    }

    [Fact(Timeout = 90_000)]
    public async Task Unknown_run_id_and_unreachable_cluster_are_clear_errors_and_stored_runs_survive()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(80));
        var ct = timeout.Token;
        int mgmt = FreePort.Get();
        using var node = StartNode(mgmt);
        await node.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
        using var client = new GrpcRunClient($"127.0.0.1:{mgmt}");
        var runId = await client.SubmitAsync(ClusterHarness.Spec(steps: 3, delayMs: 0), "kept", ct);
        var done = await client.FollowAsync(runId, null, ct);
        Assert.Equal(RunState.Completed, done.State);

        var unknown = await Assert.ThrowsAsync<CliException>(() => client.GetAsync("no-such-run", false, ct));
        Assert.Contains("no run with id 'no-such-run'", unknown.Message);
        var unknownFollow = await Assert.ThrowsAsync<CliException>(() => client.FollowAsync("no-such-run", null, ct));
        Assert.Contains("no run with id", unknownFollow.Message);
        var badSpec = await Assert.ThrowsAsync<CliException>(() =>
            client.SubmitAsync(ClusterHarness.Spec(1, 0) with { Dataset = "synthetic:-3" }, null, ct));
        Assert.Contains("invalid training spec", badSpec.Message);

        using (var nowhere = new GrpcRunClient($"127.0.0.1:{FreePort.Get()}"))
        {
            var unreachable = await Assert.ThrowsAsync<CliException>(() => nowhere.GetAsync(runId, false, ct));
            Assert.Contains("cannot reach the cluster", unreachable.Message);
        }

        // --detach submits and returns the run id; --attach follows that run to its end from another client.
        var detachedId = await client.SubmitAsync(ClusterHarness.Spec(steps: 4, delayMs: 5), null, ct);
        using (var other = new GrpcRunClient($"127.0.0.1:{mgmt}"))
        {
            var steps = new List<long>();
            var attached = await other.FollowAsync(detachedId, s => steps.Add(s.Step), ct);
            Assert.Equal(RunState.Completed, attached.State);
            Assert.Equal(4, attached.Step);
            Assert.Equal(40, attached.Parameters.Count);
            Assert.Equal(4, steps.Last());
            var history = await other.GetStepsAsync(detachedId, 0, 2, ct);
            Assert.Equal(new long[] { 1, 2, 3, 4 }, history.Points.Select(p => p.Step));
            Assert.Equal(new[] { 0, 40, 0, 40 }, history.Points.Select(p => p.Parameters.Count));
            Assert.Equal(attached.Parameters, history.Points[3].Parameters);
            var stepsUnknown = await Assert.ThrowsAsync<CliException>(() => other.GetStepsAsync("nope", 0, 0, ct));
            Assert.Contains("no run with id 'nope'", stepsUnknown.Message);
        }

        var after = await client.GetAsync(runId, includeParameters: true, ct);
        Assert.Equal(RunState.Completed, after.State);
        Assert.Equal(done.Parameters, after.Parameters);
        var list = await client.ListAsync(ct);
        Assert.Equal(new[] { runId, detachedId }.Order(), list.Runs.Select(r => r.RunId).Order());
    }
}
