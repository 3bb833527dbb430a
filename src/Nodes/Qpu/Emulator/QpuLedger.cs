using System.Text.Json;
using Microsoft.Data.Sqlite;
using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>
/// The emulator's durable ledger (SQLite): every job by idempotency key, and one row in `executions` each time a job
/// actually ran (inserted in the same transaction that stores its results). A key with more than one execution
/// would be a double-billed job; tests and `qd3pm qpu ledger` check that there are none.
/// </summary>
public sealed class QpuLedger : IDisposable
{
    private readonly SqliteConnection _db;
    private readonly object _lock = new();

    public QpuLedger(string path)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _db.Open();
        Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;");
        Execute("""
            CREATE TABLE IF NOT EXISTS jobs (
              job_id TEXT PRIMARY KEY, idempotency_key TEXT NOT NULL UNIQUE, content_hash TEXT NOT NULL,
              circuits INTEGER NOT NULL, shots INTEGER NOT NULL, state TEXT NOT NULL, failure TEXT NOT NULL,
              message TEXT NOT NULL, attempt INTEGER NOT NULL, queue_ms REAL NOT NULL, run_ms REAL NOT NULL,
              cost REAL NOT NULL, client TEXT NOT NULL, results TEXT, updated_unix_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS executions (
              id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, idempotency_key TEXT NOT NULL,
              attempt INTEGER NOT NULL, circuits INTEGER NOT NULL, shots INTEGER NOT NULL, cost REAL NOT NULL,
              queue_ms REAL NOT NULL, run_ms REAL NOT NULL, executed_unix_ms INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS failures (
              id INTEGER PRIMARY KEY AUTOINCREMENT, job_id TEXT NOT NULL, attempt INTEGER NOT NULL,
              kind TEXT NOT NULL, message TEXT NOT NULL, unix_ms INTEGER NOT NULL);
            """);
    }

    private const string Columns =
        "job_id, idempotency_key, content_hash, circuits, shots, state, failure, message, attempt, queue_ms, run_ms, cost, client, results";

    /// <summary>Every job, oldest first (for tools and tests: the emulator itself looks jobs up one at a time).</summary>
    public IReadOnlyList<LedgerJob> LoadJobs() => Query($"SELECT {Columns} FROM jobs ORDER BY rowid", null, null);

    /// <summary>The job of an idempotency key, with its results when done; null when the key is unknown.</summary>
    public LedgerJob? FindByKey(string key) => Query($"SELECT {Columns} FROM jobs WHERE idempotency_key = $v", "$v", key).SingleOrDefault();

    /// <summary>The job with this id, with its results when done; null when unknown.</summary>
    public LedgerJob? FindById(string jobId) => Query($"SELECT {Columns} FROM jobs WHERE job_id = $v", "$v", jobId).SingleOrDefault();

    public long JobCount()
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM jobs";
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>
    /// At start-up: jobs that were queued or running when the previous process died did not run (results and the
    /// execution row are written in one transaction), so they become failed transient and their key may be submitted again.
    /// </summary>
    public int FailInterrupted(string message)
    {
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            using (var f = _db.CreateCommand())
            {
                f.Transaction = tx;
                f.CommandText = "INSERT INTO failures (job_id, attempt, kind, message, unix_ms) SELECT job_id, attempt, 'Transient', $m, $now FROM jobs WHERE state IN ('Queued', 'Running')";
                f.Parameters.AddWithValue("$m", message);
                f.Parameters.AddWithValue("$now", now);
                f.ExecuteNonQuery();
            }
            int changed;
            using (var u = _db.CreateCommand())
            {
                u.Transaction = tx;
                u.CommandText = "UPDATE jobs SET state = 'Failed', failure = 'Transient', message = $m, updated_unix_ms = $now WHERE state IN ('Queued', 'Running')";
                u.Parameters.AddWithValue("$m", message);
                u.Parameters.AddWithValue("$now", now);
                changed = u.ExecuteNonQuery();
            }
            tx.Commit();
            return changed;
        }
    }

    private List<LedgerJob> Query(string sql, string? name, string? value)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = sql;
            if (name is not null) cmd.Parameters.AddWithValue(name, value);
            using var r = cmd.ExecuteReader();
            var jobs = new List<LedgerJob>();
            while (r.Read())
            {
                jobs.Add(new LedgerJob
                {
                    JobId = r.GetString(0), IdempotencyKey = r.GetString(1), ContentHash = r.GetString(2), Circuits = r.GetInt32(3),
                    Shots = r.GetInt32(4), State = Enum.Parse<JobState>(r.GetString(5)), Failure = Enum.Parse<FailureKind>(r.GetString(6)),
                    Message = r.GetString(7), Attempt = r.GetInt32(8), QueueMs = r.GetDouble(9), RunMs = r.GetDouble(10), Cost = r.GetDouble(11),
                    Client = r.GetString(12),
                    Results = r.IsDBNull(13) ? null : JsonSerializer.Deserialize<List<Dictionary<string, int>>>(r.GetString(13)),
                });
            }
            return jobs;
        }
    }

    /// <summary>Inserts or updates a job's row (without results).</summary>
    public void Save(LedgerJob job)
    {
        lock (_lock)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = """
                INSERT INTO jobs (job_id, idempotency_key, content_hash, circuits, shots, state, failure, message, attempt, queue_ms, run_ms, cost, client, results, updated_unix_ms)
                VALUES ($id, $key, $hash, $circuits, $shots, $state, $failure, $message, $attempt, $queue, $run, $cost, $client, NULL, $now)
                ON CONFLICT(job_id) DO UPDATE SET state = $state, failure = $failure, message = $message, attempt = $attempt,
                  queue_ms = $queue, run_ms = $run, client = $client, updated_unix_ms = $now
                """;
            Bind(cmd, job);
            cmd.ExecuteNonQuery();
            if (job.State == JobState.Failed)
            {
                using var f = _db.CreateCommand();
                f.CommandText = "INSERT INTO failures (job_id, attempt, kind, message, unix_ms) VALUES ($id, $attempt, $kind, $message, $now)";
                f.Parameters.AddWithValue("$id", job.JobId);
                f.Parameters.AddWithValue("$attempt", job.Attempt);
                f.Parameters.AddWithValue("$kind", job.Failure.ToString());
                f.Parameters.AddWithValue("$message", job.Message);
                f.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
                f.ExecuteNonQuery();
            }
        }
    }

    /// <summary>Stores a job's results and its execution record atomically: executed once means recorded once.</summary>
    public void RecordExecution(LedgerJob job)
    {
        ArgumentNullException.ThrowIfNull(job.Results);
        lock (_lock)
        {
            using var tx = _db.BeginTransaction();
            using (var cmd = _db.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = """
                    UPDATE jobs SET state = $state, failure = $failure, message = $message, attempt = $attempt, queue_ms = $queue,
                      run_ms = $run, cost = $cost, results = $results, updated_unix_ms = $now WHERE job_id = $id
                    """;
                Bind(cmd, job);
                cmd.Parameters.AddWithValue("$results", JsonSerializer.Serialize(job.Results));
                cmd.ExecuteNonQuery();
            }
            using (var cmd = _db.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = """
                    INSERT INTO executions (job_id, idempotency_key, attempt, circuits, shots, cost, queue_ms, run_ms, executed_unix_ms)
                    VALUES ($id, $key, $attempt, $circuits, $shots, $cost, $queue, $run, $now)
                    """;
                Bind(cmd, job);
                cmd.ExecuteNonQuery();
            }
            tx.Commit();
        }
    }

    private static void Bind(SqliteCommand cmd, LedgerJob job)
    {
        cmd.Parameters.AddWithValue("$id", job.JobId);
        cmd.Parameters.AddWithValue("$key", job.IdempotencyKey);
        cmd.Parameters.AddWithValue("$hash", job.ContentHash);
        cmd.Parameters.AddWithValue("$circuits", job.Circuits);
        cmd.Parameters.AddWithValue("$shots", job.Shots);
        cmd.Parameters.AddWithValue("$state", job.State.ToString());
        cmd.Parameters.AddWithValue("$failure", job.Failure.ToString());
        cmd.Parameters.AddWithValue("$message", job.Message);
        cmd.Parameters.AddWithValue("$attempt", job.Attempt);
        cmd.Parameters.AddWithValue("$queue", job.QueueMs);
        cmd.Parameters.AddWithValue("$run", job.RunMs);
        cmd.Parameters.AddWithValue("$cost", job.Cost);
        cmd.Parameters.AddWithValue("$client", job.Client);
        cmd.Parameters.AddWithValue("$now", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public void Dispose()
    {
        lock (_lock) _db.Dispose();
    }
}
