namespace QD3PM.Nodes.Configuration;

/// <summary>Where the coordinator persists runs: a SQLite file (default) or a PostgreSQL database.</summary>
public sealed record JournalTarget(JournalKind Kind, string ConnectionString, string? SqlitePath = null)
{
    /// <summary>linq2db provider names used by Akka.Persistence.Sql.</summary>
    public string ProviderName => Kind == JournalKind.Sqlite ? "SQLite.MS" : "PostgreSQL.15";

    public static JournalTarget Sqlite(string path)
    {
        var full = Path.GetFullPath(path);
        return new JournalTarget(JournalKind.Sqlite, $"Data Source={full};Cache=Shared;Pooling=True", full);
    }

    /// <summary>Parses `sqlite:PATH` or `postgres:CONNECTION-STRING`; throws <see cref="ArgumentException"/> otherwise.</summary>
    public static JournalTarget Parse(string text)
    {
        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            var path = text["sqlite:".Length..];
            if (string.IsNullOrWhiteSpace(path))
                throw new ArgumentException("--journal sqlite: needs a file path (sqlite:PATH)");
            return Sqlite(path);
        }
        foreach (var prefix in new[] { "postgres:", "postgresql:" })
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                var cs = text[prefix.Length..];
                if (!cs.Contains('='))
                    throw new ArgumentException("--journal postgres: needs a connection string (postgres:Host=..;Database=..;Username=..;Password=..)");
                return new JournalTarget(JournalKind.Postgres, cs);
            }
        }
        throw new ArgumentException($"--journal must be sqlite:PATH or postgres:CONNECTION-STRING, not '{text}'");
    }

    public override string ToString() => Kind == JournalKind.Sqlite ? $"sqlite:{SqlitePath}" : "postgres:" + RedactPassword(ConnectionString);

    private static string RedactPassword(string cs) =>
        string.Join(';', cs.Split(';').Select(p => p.TrimStart().StartsWith("password", StringComparison.OrdinalIgnoreCase) ? "Password=***" : p));
}
