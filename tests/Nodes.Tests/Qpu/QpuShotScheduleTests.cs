using Microsoft.Data.Sqlite;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Simulation;
using QD3PM.Core.Training;
using QD3PM.Nodes.Qpu.Emulator;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Qpu;

/// <summary>
/// A shot schedule (`--final-shots`, <see cref="ShotSchedule"/>) reaches the QPU: the proxy sends each step's circuits
/// with that step's shots, which the emulator's ledger records. The emulator runs in process on a loopback port.
/// </summary>
public sealed class QpuShotScheduleTests : IAsyncLifetime
{
    private LoopbackQpuEmulator? _qpu;

    private string LedgerPath => _qpu!.LedgerPath;

    public async Task InitializeAsync() => _qpu = await LoopbackQpuEmulator.StartAsync("shot-schedule");

    public async Task DisposeAsync()
    {
        if (_qpu is not null) await _qpu.DisposeAsync();
    }

    /// <summary>The distinct shots per circuit of the executed jobs of one step.</summary>
    private List<long> ShotsOfStep(long step)
    {
        using var db = new SqliteConnection($"Data Source={LedgerPath};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT shots FROM executions WHERE idempotency_key LIKE $prefix";
        cmd.Parameters.AddWithValue("$prefix", $"sched/{step}/%");
        using var r = cmd.ExecuteReader();
        var shots = new List<long>();
        while (r.Read()) shots.Add(r.GetInt64(0));
        return shots;
    }

    [Fact(Timeout = 60_000)]
    public async Task Each_step_runs_on_the_qpu_with_its_scheduled_shots()
    {
        var spec = new TrainingSpec
        {
            Dataset = "bas:2x2", Mode = DiffusionMode.SingleStep, Layers = 1, Batch = 1, Steps = 11, Seed = 3, Shots = 10, FinalShots = 1000,
            Gradient = GradientMethod.Spsa, BackendPolicy = BackendPolicy.QpuOnly,
        };
        var problem = StandInProblems.NewCache().Get(spec);
        var parameters = problem.InitialState().Parameters;
        using var executor = new QpuProxyExecutor(new QpuProxyOptions
        {
            Url = _qpu!.Url, DefaultShots = 50, Log = _ => { },
        });
        foreach (long step in new long[] { 0, 5, 10 })
        {
            var item = new WorkItem
            {
                Id = new WorkItemId { RunId = "sched", Step = step, Sample = 0, Block = 0 }, BlockStart = 0, BlockEnd = problem.ParameterCount,
                Method = (int)GradientMethod.Spsa, BackendPolicy = "qpu-only", SpecJson = TrainingSpecJson.Serialize(spec),
            };
            item.Parameters.AddRange(parameters);
            var result = await executor.ExecuteAsync(item, problem, CancellationToken.None);
            long expected = ShotSchedule.At(spec, step);
            Assert.Equal([expected], ShotsOfStep(step));
            Assert.Equal(result.CircuitEvaluations * expected, result.QpuShots);
        }
        Assert.Equal([10L, 100L, 1000L], new long[] { 0, 5, 10 }.Select(s => (long)ShotSchedule.At(spec, s)));
    }
}
