using System.Data.Common;
using System.Net.Sockets;
using Akka.Pattern;
using Akka.Persistence;
using Google.Protobuf;
using Npgsql;

namespace QD3PM.Nodes.Training;

/// <summary>
/// Journal failures as one line for run status and logs, whether they mean the database is unreachable, and the
/// connection pools they leave behind.
/// </summary>
public static class JournalError
{
    /// <summary>
    /// Does this journal failure mean the database is down or unreachable (it will pass once the database is back), as
    /// opposed to a failure of what was stored or is to be stored (an event this build cannot read: a journal written by
    /// another build, a corrupt row)? Only an outage is a reason to refuse other runs' submits: their writes would fail
    /// the same way. The outermost exception of the chain that tells decides: Akka wraps the database's error in an
    /// <see cref="OpenCircuitException"/> once its breaker opens (an outage, whatever the last error was), while a
    /// protobuf parse error is an <see cref="IOException"/> that says nothing about the connection, so it is tested first.
    /// An exception of no known kind is not counted as an outage: a wrong guess then costs one refused submit (the write
    /// fails and the submitter is told), the other way it would refuse every submit for as long as the run waits.
    /// </summary>
    public static bool IsDatabaseUnreachable(Exception ex)
    {
        foreach (var e in Chain(ex))
        {
            switch (e)
            {
                case InvalidProtocolBufferException or System.Runtime.Serialization.SerializationException or ArgumentException:
                    return false; // the stored bytes or the event, not the connection
                case OpenCircuitException or RecoveryTimedOutException or DbException or SocketException or IOException
                    or TimeoutException or OperationCanceledException:
                    return true; // the breaker is open, the journal did not answer in time, or the database's own error
            }
        }
        return false;
    }

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
