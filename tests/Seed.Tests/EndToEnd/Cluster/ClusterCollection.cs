using Xunit;
using QD3PM.Seed.Tests.Support;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>
/// Cluster end-to-end tests run one at a time: each starts several processes on a 2-core machine. The collection also
/// holds the machine-wide <see cref="MachineTestLock"/>, so two test runs on one machine take turns.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection : ICollectionFixture<PostgresFixtureHolder>, ICollectionFixture<MachineTestLock>
{
    public const string Name = "cluster-e2e";
}
