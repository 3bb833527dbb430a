using Xunit;
namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>Scenarios (a) and (c) with the journal on a real PostgreSQL server started by the test (issue 5, d).</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPostgresTests(PostgresFixtureHolder postgres, Xunit.Abstractions.ITestOutputHelper output)
{
    private string NewJournal()
    {
        var server = postgres.Server;
        Assert.True(server.Error is null, server.Error);
        return "postgres:" + server.CreateDatabase("qd3pm_" + Guid.NewGuid().ToString("N")[..8]);
    }

    [Fact(Timeout = 120_000)]
    public async Task A_three_process_cluster_on_postgres_trains_bit_identically()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        await ClusterScenarios.ThreeProcessRunMatchesEmbedded(NewJournal(), cts.Token);
    }

    [Fact(Timeout = 150_000)]
    public async Task C_coordinator_crash_on_postgres_resumes_from_the_journal()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(140));
        await ClusterScenarios.CoordinatorCrashResumesFromJournal(NewJournal(), cts.Token, output.WriteLine);
    }
}
