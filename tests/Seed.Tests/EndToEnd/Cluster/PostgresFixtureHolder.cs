using Xunit;
using QD3PM.Seed.Tests.Support;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>Starts the PostgreSQL server lazily (only when a PostgreSQL test runs) and stops it after the collection.</summary>
public sealed class PostgresFixtureHolder : IDisposable
{
    private readonly Lazy<PostgresFixture> _server = new(() => new PostgresFixture());

    public PostgresFixture Server => _server.Value;

    public void Dispose()
    {
        if (_server.IsValueCreated)
            _server.Value.Dispose();
    }
}
