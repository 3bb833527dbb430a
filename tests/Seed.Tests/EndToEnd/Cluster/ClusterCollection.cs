using Xunit;
namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>Cluster end-to-end tests run one at a time: each starts several processes on a 2-core machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<PostgresFixtureHolder>
{
    public const string Name = "cluster-e2e";
}
