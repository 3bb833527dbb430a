using Microsoft.Data.Sqlite;
using QD3PM.Core.Simulation;
using QD3PM.Nodes.Qpu.Emulator;
using QD3PM.Protocol.Qpu;
using Xunit;

namespace QD3PM.Nodes.Tests.Qpu;

/// <summary>The emulator's idempotency and ledger rules, in process (no gRPC).</summary>
public sealed class QpuEmulatorTests : IDisposable
{
    private const string Bell = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nry(1.5707963267948966) q[0];\ncx q[0],q[1];\nmeasure q[0] -> c[0];\nmeasure q[1] -> c[1];\n";
    private const string One = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[3];\ncreg c[1];\nrx(3.141592653589793) q[2];\nmeasure q[2] -> c[0];\n";

    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-qpu-").FullName;

    private QpuEmulatorOptions Options(double queueMs = 0) => new()
    {
        LedgerPath = Path.Combine(_dir, "ledger.db"), QueueMs = queueMs, ShotMicroseconds = 0, Noise = NoiseModel.None, Seed = 7,
    };

    private static SubmitJobRequest Request(string key, int shots, params string[] circuits)
    {
        var r = new SubmitJobRequest { IdempotencyKey = key, Shots = shots };
        r.Circuits.AddRange(circuits);
        return r;
    }

    private static async Task<Job> WaitAsync(QpuEmulator emulator, string id)
    {
        var until = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < until)
        {
            var job = emulator.Get(id);
            if (job.State is JobState.Done or JobState.Failed or JobState.Cancelled) return job;
            await Task.Delay(10);
        }
        throw new TimeoutException($"job {id} did not finish");
    }

    private long Executions(string key)
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(_dir, "ledger.db")};Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM executions WHERE idempotency_key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return (long)cmd.ExecuteScalar()!;
    }

    [Fact]
    public async Task A_key_submitted_twice_is_one_job_executed_once_with_measured_counts()
    {
        using var emulator = new QpuEmulator(Options());
        var first = emulator.Submit(Request("k1", 400, Bell, One));
        var second = emulator.Submit(Request("k1", 400, Bell, One));
        Assert.False(first.Existing);
        Assert.True(second.Existing);
        Assert.Equal(first.JobId, second.JobId);
        var job = await WaitAsync(emulator, first.JobId);
        Assert.Equal(JobState.Done, job.State);
        Assert.Equal(2, job.Results.Count);
        // Bell pair: only 00 and 11, about half each; the 1-bit register of the second circuit reads qubit 2 = 1
        Assert.Equal(400, job.Results[0].Counts.Values.Sum());
        Assert.All(job.Results[0].Counts.Keys, k => Assert.Contains(k, new[] { "00", "11" }));
        Assert.InRange(job.Results[0].Counts.GetValueOrDefault("11"), 140, 260);
        Assert.Equal(new Dictionary<string, int> { ["1"] = 400 }, job.Results[1].Counts);
        var third = emulator.Submit(Request("k1", 400, Bell, One));
        Assert.Equal(JobState.Done, third.State);
        Assert.Equal(1, Executions("k1"));
        Assert.Throws<ArgumentException>(() => emulator.Submit(Request("k1", 401, Bell, One)));
    }

    [Fact]
    public async Task Done_jobs_survive_a_restart_and_queued_ones_run_once_when_submitted_again()
    {
        string doneId, queuedId;
        IDictionary<string, int> counts;
        using (var emulator = new QpuEmulator(Options()))
        {
            doneId = emulator.Submit(Request("done", 100, Bell)).JobId;
            counts = (await WaitAsync(emulator, doneId)).Results[0].Counts;
        }
        using (var slow = new QpuEmulator(Options(queueMs: 60_000)))
        {
            queuedId = slow.Submit(Request("queued", 100, Bell)).JobId; // still queued when this process "dies"
        }
        using var again = new QpuEmulator(Options());
        var reattached = again.Submit(Request("done", 100, Bell));
        Assert.True(reattached.Existing);
        Assert.Equal(doneId, reattached.JobId);
        Assert.Equal(JobState.Done, reattached.State);
        Assert.Equal(counts, again.Get(doneId).Results[0].Counts);

        Assert.Equal(JobState.Failed, again.Get(queuedId).State);
        Assert.Equal(FailureKind.Transient, again.Get(queuedId).Failure);
        var retried = again.Submit(Request("queued", 100, Bell));
        Assert.Equal(queuedId, retried.JobId);
        Assert.Equal(2, retried.Attempt);
        Assert.Equal(JobState.Done, (await WaitAsync(again, queuedId)).State);
        Assert.Equal(1, Executions("done"));
        Assert.Equal(1, Executions("queued"));
        var summary = QpuLedgerSummary.Read(Path.Combine(_dir, "ledger.db"));
        Assert.Equal(0, summary.DuplicateExecutions);
        Assert.Equal(2, summary.Executions);
    }

    [Fact]
    public void Requests_that_can_never_run_are_refused()
    {
        using var emulator = new QpuEmulator(Options() with { MaxCircuitsPerJob = 2, MaxShots = 10 });
        var h = "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\nh q[0];\n";
        Assert.Contains("not in the basis", Assert.Throws<ArgumentException>(() => emulator.Submit(Request("a", 5, h))).Message);
        Assert.Throws<ArgumentException>(() => emulator.Submit(Request("b", 11, Bell)));
        Assert.Throws<ArgumentException>(() => emulator.Submit(Request("c", 5, Bell, Bell, Bell)));
        Assert.Throws<ArgumentException>(() => emulator.Submit(Request("", 5, Bell)));
        Assert.Throws<ArgumentException>(() => emulator.Submit(Request("d", 5, "OPENQASM 2.0; qreg q[1]; bogus q[0];")));
        Assert.Throws<KeyNotFoundException>(() => emulator.Get("job-nope"));
    }

    [Fact]
    public async Task A_queued_job_can_be_cancelled_and_submitted_again()
    {
        using var emulator = new QpuEmulator(Options(queueMs: 60_000));
        var id = emulator.Submit(Request("c1", 10, Bell)).JobId;
        Assert.Equal(JobState.Cancelled, emulator.Cancel(id).State);
        var events = new List<JobEvent>();
        await foreach (var e in emulator.Watch(id, CancellationToken.None))
            events.Add(e);
        Assert.Equal(JobState.Cancelled, Assert.Single(events).State);
        Assert.Equal(2, emulator.Submit(Request("c1", 10, Bell)).Attempt);
    }

    [Fact]
    public async Task Finished_jobs_leave_memory_and_the_ledger_still_answers_their_keys_and_ids()
    {
        using var emulator = new QpuEmulator(Options() with { MaxRetainedJobs = 5 });
        var first = new Dictionary<string, IDictionary<string, int>>();
        string firstId = "";
        for (int i = 0; i < 40; i++)
        {
            var id = emulator.Submit(Request($"m{i}", 50, Bell)).JobId;
            var job = await WaitAsync(emulator, id);
            Assert.Equal(JobState.Done, job.State);
            if (i == 0) { firstId = id; first["m0"] = job.Results[0].Counts; }
            Assert.True(emulator.JobsInMemory <= 6, $"{emulator.JobsInMemory} jobs in memory after {i + 1}");
        }
        // long gone from memory: the key still returns the same job, which does not run again, with the same counts
        var again = emulator.Submit(Request("m0", 50, Bell));
        Assert.True(again.Existing);
        Assert.Equal(firstId, again.JobId);
        Assert.Equal(JobState.Done, again.State);
        Assert.Equal(first["m0"], emulator.Get(firstId).Results[0].Counts);
        Assert.Equal(first["m0"], emulator.Get(firstId).Results[0].Counts); // fetched twice: read from the ledger both times
        var events = new List<JobEvent>();
        await foreach (var e in emulator.Watch(firstId, CancellationToken.None))
            events.Add(e);
        Assert.Equal(JobState.Done, Assert.Single(events).State);
        Assert.Equal(1, Executions("m0"));
        Assert.Throws<ArgumentException>(() => emulator.Submit(Request("m0", 51, Bell)));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
