using Microsoft.Data.Sqlite;
using QD3PM.Core.Training;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;

namespace QD3PM.Seed.Tests.EndToEnd.Qpu;

/// <summary>
/// A loopback deployment for the QPU scenarios: a `qd3pm qpu serve` emulator with a ledger in a temp directory, a
/// coordinator node (journal, management endpoint) and any number of worker nodes (qpu-proxy or simulator). Dispose
/// kills every process and deletes the directory.
/// </summary>
public sealed class QpuCluster : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-qpu-e2e-").FullName;
    private readonly ClusterHarness _cluster;

    public QpuCluster()
    {
        QpuPort = FreePort.Get();
        _cluster = new ClusterHarness("sqlite:" + Path.Combine(_dir, "journal.db"), workers: 0, startCoordinator: false);
    }

    public int QpuPort { get; }
    public int CoordinatorPort => _cluster.CoordinatorPort;
    public int ManagementPort => _cluster.ManagementPort;
    public string QpuUrl => $"http://127.0.0.1:{QpuPort}";
    public string LedgerPath => Path.Combine(_dir, "qpu-ledger.db");
    public string ManagementAddress => _cluster.ManagementAddress;
    public Qd3pmProcess? Emulator { get; private set; }
    public Qd3pmProcess? Coordinator { get; private set; }
    public List<Qd3pmProcess> Workers => _cluster.Workers;

    /// <summary>A tiny shot-based run: BAS 2x2 single-step, one layer (29 parameters), 2 samples per step.</summary>
    public static TrainingSpec Spec(int steps, BackendPolicy policy, int shots = 200, int batch = 2) => new()
    {
        Dataset = "bas:2x2", Mode = DiffusionMode.SingleStep, Layers = 1, Batch = batch, Steps = steps, Seed = 3, LearningRate = 0.05,
        FinalLearningRate = 0.005, Shots = shots, BackendPolicy = policy,
    };

    /// <summary>Starts (or restarts, on the same port and ledger) the emulator and waits until it listens.</summary>
    public async Task<Qd3pmProcess> StartEmulatorAsync(params string[] extra)
    {
        string[] args = ["qpu", "serve", "--port", QpuPort.ToString(), "--ledger", LedgerPath, "--seed", "5", .. extra];
        Emulator = _cluster.Adopt(Qd3pmProcess.Start("qpu", args));
        await Emulator.WaitForOutputAsync("qpu emulator listening", TimeSpan.FromSeconds(40));
        return Emulator;
    }

    public async Task StartCoordinatorAsync()
    {
        Coordinator = _cluster.StartCoordinator(_cluster.SelfSeed);
        await Coordinator.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
    }

    /// <summary>A worker node: role qpu-proxy (pointed at the emulator) or simulator.</summary>
    public Qd3pmProcess StartWorker(string role, params string[] extra) =>
        _cluster.StartWorker(FreePort.Get(), role, [.. role == "qpu-proxy" ? new[] { "--qpu", QpuUrl } : [], .. extra]);

    public async Task WaitForWorkersAsync()
    {
        foreach (var w in Workers)
            await w.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
    }

    /// <summary>Runs a query on the emulator's ledger (read-only, while it may be running).</summary>
    public List<object[]> Query(string sql)
    {
        using var db = new SqliteConnection($"Data Source={LedgerPath};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<object[]>();
        while (r.Read())
        {
            var row = new object[r.FieldCount];
            r.GetValues(row);
            rows.Add(row);
        }
        return rows;
    }

    public long Scalar(string sql)
    {
        var value = Query(sql)[0][0];
        return value is DBNull ? 0 : Convert.ToInt64(value);
    }

    public string Describe() => _cluster.Describe();

    public void Dispose()
    {
        _cluster.Dispose();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
