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
/// What a QPU-proxy item bills (WorkResult.qpu_shots/qpu_cost, the run-wide budget's input) against what the QPU's
/// ledger executed: the emulator in process on a loopback port, the executor computing items of one sample.
/// </summary>
public sealed class QpuProxyBillingTests : IAsyncLifetime
{
    private LoopbackQpuEmulator? _qpu;

    private string LedgerPath => _qpu!.LedgerPath;

    public async Task InitializeAsync() => _qpu = await LoopbackQpuEmulator.StartAsync("billing", maxCircuitsPerJob: 16);

    public async Task DisposeAsync()
    {
        if (_qpu is not null) await _qpu.DisposeAsync();
    }

    /// <summary>Shots and cost the QPU executed, for the jobs whose key contains <paramref name="keyPart"/>.</summary>
    private (long Shots, double Cost) Ledger(string keyPart = "")
    {
        using var db = new SqliteConnection($"Data Source={LedgerPath};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(SUM(circuits * shots), 0), COALESCE(SUM(cost), 0) FROM executions WHERE instr(idempotency_key, $part) > 0";
        cmd.Parameters.AddWithValue("$part", keyPart);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetDouble(1));
    }

    [Fact(Timeout = 60_000)]
    public async Task The_items_of_a_sample_bill_every_job_once_so_their_sum_is_what_the_qpu_executed()
    {
        // Parameter shift in two blocks: both items share the sample's unshifted (base) job; block 0's item owns it.
        var spec = new TrainingSpec
        {
            Dataset = "bas:2x2", Mode = DiffusionMode.SingleStep, Layers = 1, Batch = 1, Steps = 1, Seed = 3, Shots = 50,
            Gradient = GradientMethod.Shift, BackendPolicy = BackendPolicy.QpuOnly,
        };
        var problem = StandInProblems.NewCache().Get(spec);
        var parameters = problem.InitialState().Parameters;
        int half = problem.ParameterCount / 2;
        WorkItem Item(int block, int start, int end)
        {
            var item = new WorkItem
            {
                Id = new WorkItemId { RunId = "bill", Step = 0, Sample = 0, Block = block }, BlockStart = start, BlockEnd = end,
                Method = (int)GradientMethod.Shift, BackendPolicy = "qpu-only", SpecJson = TrainingSpecJson.Serialize(spec),
            };
            item.Parameters.AddRange(parameters);
            return item;
        }
        using var executor = new QpuProxyExecutor(new QpuProxyOptions
        {
            Url = _qpu!.Url, DefaultShots = 50, Log = _ => { },
        });
        var first = await executor.ExecuteAsync(Item(0, 0, half), problem, CancellationToken.None);
        var second = await executor.ExecuteAsync(Item(1, half, problem.ParameterCount), problem, CancellationToken.None);
        var (shots, cost) = Ledger();

        var (baseShots, baseCost) = Ledger("/base/");
        var (block1Shots, block1Cost) = Ledger("/b1/");
        Assert.True(baseShots > 0 && block1Shots > 0, "the item layout changed: no shared base job or no block-1 job");
        Assert.Equal(block1Shots, second.QpuShots); // block 1's item bills its shifted jobs only
        Assert.Equal(block1Cost, second.QpuCost, 9);
        Assert.Equal(shots - block1Shots, first.QpuShots); // block 0's item bills its shifted jobs and the base job
        Assert.Equal(shots, first.QpuShots + second.QpuShots);
        Assert.Equal(cost, first.QpuCost + second.QpuCost, 9);

        // A re-queued item finds its jobs: it bills the same (counted once by the run, which accepts one result per item)
        // and the QPU executes nothing new.
        var again = await executor.ExecuteAsync(Item(1, half, problem.ParameterCount), problem, CancellationToken.None);
        Assert.Equal(second.QpuShots, again.QpuShots);
        Assert.Equal((shots, cost), Ledger());
    }
}
