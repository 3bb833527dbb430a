using Npgsql;

namespace QD3PM.Nodes.Training;

/// <summary>Journal failures as one line for run status and logs, and the connection pools they leave behind.</summary>
public static class JournalError
{
    /// <summary>
    /// The database's own error and its innermost cause ("Failed to connect to 127.0.0.1:5432 (Connection refused)"),
    /// one line, at most 300 characters: what an operator needs, not 40 stack frames of linq2db.
    /// </summary>
    public static string Describe(Exception ex)
    {
        var chain = Chain(ex).ToList();
        var main = chain.FirstOrDefault(e => e is System.Data.Common.DbException) ?? chain[0];
        var inner = main;
        while (inner.InnerException is not null)
            inner = inner.InnerException;
        var text = ReferenceEquals(inner, main) || main.Message.Contains(inner.Message, StringComparison.Ordinal)
            ? main.Message
            : $"{main.Message} ({inner.Message})";
        text = text.ReplaceLineEndings(" ").Trim();
        return text.Length <= 300 ? text : text[..297] + "...";
    }

    private static IEnumerable<Exception> Chain(Exception ex)
    {
        yield return ex;
        var inner = ex is AggregateException aggregate ? aggregate.InnerExceptions : (IEnumerable<Exception>)(ex.InnerException is null ? [] : [ex.InnerException]);
        foreach (var e in inner)
            foreach (var nested in Chain(e))
                yield return nested;
    }

    /// <summary>
    /// Drops idle pooled journal connections. After a database server restart every idle PostgreSQL connection in the
    /// pool is dead but looks alive, and each fails exactly one later journal call; a run restarted after an outage
    /// would fail once per stale connection. Clearing the pools after a failure makes the next attempt open fresh ones.
    /// </summary>
    public static void ClearPools() => NpgsqlConnection.ClearAllPools();
}
