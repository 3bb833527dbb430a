using Microsoft.Data.Sqlite;
using QD3PM.Core.Training;
using QD3PM.Nodes.Hosting;
using QD3PM.Tests.Shared;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Serialization;
using Xunit;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Nodes.Tests.Hosting;

/// <summary>A one-process cluster (all roles, SQLite journal) against the plain training loop and across a restart.</summary>
public sealed class EmbeddedNodeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-node-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private NodeOptions Options(int snapshotEvery) => new()
    {
        Roles = NodeRoles.All.Where(r => r != NodeRoles.QpuProxy).ToArray(),
        Port = 0,
        Journal = JournalTarget.Sqlite(Path.Combine(_dir, "journal.db")),
        Problems = new ProblemCache(ProblemCatalog.Paper.With(SyntheticGradientProblem.ModelName, spec => new SyntheticGradientProblem(spec))),
        HoconOverrides = $"qd3pm.coordinator {{ snapshot-every = {snapshotEvery}, shift-block-size = 16 }}",
    };

    private static readonly TrainingSpec Spec = new()
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = "synthetic:40", Batch = 5, Steps = 12, Seed = 7,
        Gradient = GradientMethod.Shift, LearningRate = 0.05,
    };

    [Fact]
    public async Task Cluster_run_matches_the_plain_loop_bit_for_bit_and_survives_a_restart()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var problem = new SyntheticGradientProblem(Spec);
        var expected = ReferenceTrainer.Train(problem, ParameterRange.Split(40, 3));

        RunStatus final;
        await using (var node = await NodeHost.StartAsync(Options(snapshotEvery: 5), cancellationToken: timeout.Token))
        {
            Assert.True(await node.WaitUntilUpAsync(TimeSpan.FromSeconds(20), timeout.Token));
            var accepted = await LocalRunDriver.SubmitAsync(node.Coordinator, "run-a", TrainingSpecJson.Serialize(Spec), timeout.Token);
            // Not AlreadyExisted == false: on a loaded machine the first ask can time out after the submit was
            // persisted, and the driver's retry then (correctly) hears that the run exists.
            Assert.Equal("run-a", accepted.RunId);
            final = await LocalRunDriver.FollowAsync(node.Coordinator, "run-a", null, timeout.Token);
        }
        Assert.Equal(RunState.Completed, final.State);
        Assert.Equal(12, final.Step);
        Assert.Equal(expected.Parameters.Select(BitConverter.DoubleToInt64Bits), final.Parameters.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(12L * 5 * (2 * 40 + 3), final.CircuitEvaluations);

        // Events and snapshots before the last snapshot (taken with the event that held step 10) were pruned: one
        // snapshot and at most the events after it (steps 11 and 12, or none if one event held steps 10-12) remain.
        SqliteConnection.ClearAllPools();
        await using (var db = new SqliteConnection($"Data Source={Path.Combine(_dir, "journal.db")}"))
        {
            await db.OpenAsync(timeout.Token);
            async Task<long> Count(string sql)
            {
                var cmd = db.CreateCommand();
                cmd.CommandText = sql;
                return Convert.ToInt64(await cmd.ExecuteScalarAsync(timeout.Token));
            }
            Assert.Equal(1, await Count("SELECT COUNT(*) FROM snapshot WHERE persistence_id = 'run-run-a'"));
            Assert.Equal(0, await Count("""
                SELECT COUNT(*) FROM journal WHERE persistence_id = 'run-run-a' AND deleted = 0
                AND sequence_number <= (SELECT MAX(sequence_number) FROM snapshot WHERE persistence_id = 'run-run-a')
                """));
            Assert.InRange(await Count("SELECT COUNT(*) FROM journal WHERE persistence_id = 'run-run-a' AND deleted = 0"), 0, 2);
        }

        // A new node on the same journal recovers the finished run (snapshot + tail events) unchanged.
        await using (var node = await NodeHost.StartAsync(Options(snapshotEvery: 5), cancellationToken: timeout.Token))
        {
            Assert.True(await node.WaitUntilUpAsync(TimeSpan.FromSeconds(20), timeout.Token));
            var again = await LocalRunDriver.SubmitAsync(node.Coordinator, "run-a", TrainingSpecJson.Serialize(Spec), timeout.Token);
            Assert.True(again.AlreadyExisted);
            var recovered = await LocalRunDriver.FollowAsync(node.Coordinator, "run-a", null, timeout.Token);
            Assert.Equal(RunState.Completed, recovered.State);
            Assert.Equal(final.Parameters, recovered.Parameters);
        }
    }
}
