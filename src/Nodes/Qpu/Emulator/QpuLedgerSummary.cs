using Microsoft.Data.Sqlite;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>What a ledger holds (`qd3pm qpu ledger`): jobs, executions and the proof that no key ran twice.</summary>
public sealed record QpuLedgerSummary
{
    public long Jobs { get; init; }
    public long JobsDone { get; init; }
    public long JobsFailed { get; init; }
    public long JobsCancelled { get; init; }
    public long Executions { get; init; }

    /// <summary>Executions beyond the first of a key: a job run (and billed) twice. Must be 0.</summary>
    public long DuplicateExecutions { get; init; }

    public long CircuitsExecuted { get; init; }
    public long ShotsExecuted { get; init; }
    public double Cost { get; init; }
    public long TransientFailures { get; init; }
    public long PermanentFailures { get; init; }
    public double MeanQueueMs { get; init; }
    public double MeanRunMs { get; init; }

    /// <summary>Reads the ledger file read-only (the emulator may be running).</summary>
    public static QpuLedgerSummary Read(string path)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no such ledger");
        using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        db.Open();
        long L(string sql) => Convert.ToInt64(Scalar(db, sql) ?? 0L);
        double D(string sql) => Convert.ToDouble(Scalar(db, sql) ?? 0.0);
        return new QpuLedgerSummary
        {
            Jobs = L("SELECT COUNT(*) FROM jobs"),
            JobsDone = L("SELECT COUNT(*) FROM jobs WHERE state = 'Done'"),
            JobsFailed = L("SELECT COUNT(*) FROM jobs WHERE state = 'Failed'"),
            JobsCancelled = L("SELECT COUNT(*) FROM jobs WHERE state = 'Cancelled'"),
            Executions = L("SELECT COUNT(*) FROM executions"),
            DuplicateExecutions = L("SELECT COUNT(*) - COUNT(DISTINCT idempotency_key) FROM executions"),
            CircuitsExecuted = L("SELECT SUM(circuits) FROM executions"),
            ShotsExecuted = L("SELECT SUM(circuits * shots) FROM executions"),
            Cost = D("SELECT SUM(cost) FROM executions"),
            TransientFailures = L("SELECT COUNT(*) FROM failures WHERE kind = 'Transient'"),
            PermanentFailures = L("SELECT COUNT(*) FROM failures WHERE kind = 'Permanent'"),
            MeanQueueMs = D("SELECT AVG(queue_ms) FROM executions"),
            MeanRunMs = D("SELECT AVG(run_ms) FROM executions"),
        };
    }

    private static object? Scalar(SqliteConnection db, string sql)
    {
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        var value = cmd.ExecuteScalar();
        return value is DBNull ? null : value;
    }
}
