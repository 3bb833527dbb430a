using Npgsql;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// The events of one run as the journal (Akka.Persistence.Sql's `journal` table) holds them: what the partition
/// tests check the "one writer at a time" rule against, and where they read when each step was persisted.
/// </summary>
public sealed class JournalRows(string connectionString)
{
    /// <summary>One event; for a step event the steps it holds, <paramref name="FirstStep"/> to <paramref name="Step"/>.</summary>
    public sealed record Row(long SequenceNumber, string WriterUuid, DateTime Created, long? Step, long? FirstStep = null);

    /// <summary>Every event of run <paramref name="runId"/> in sequence-number order; the steps of each step event.</summary>
    public async Task<IReadOnlyList<Row>> ReadAsync(string runId, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "SELECT sequence_number, writer_uuid, created, manifest, message FROM journal WHERE persistence_id = @id ORDER BY sequence_number", connection);
        command.Parameters.AddWithValue("id", "run-" + runId);
        var rows = new List<Row>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var manifest = reader.IsDBNull(3) ? "" : reader.GetString(3);
            // The serializer's manifest (the type's name) or, in older journals, the assembly-qualified type name.
            bool Is(Type type) => manifest == type.Name || manifest.StartsWith(type.FullName + ",", StringComparison.Ordinal);
            (long First, long Last)? steps = null;
            if (Is(typeof(StepsCompleted)))
            {
                var batch = StepsCompleted.Parser.ParseFrom((byte[])reader.GetValue(4));
                steps = (batch.FirstStep, batch.Last.Step);
            }
            else if (Is(typeof(StepCompleted)))
            {
                long step = StepCompleted.Parser.ParseFrom((byte[])reader.GetValue(4)).Step;
                steps = (step, step);
            }
            // `created` holds UTC DateTime ticks written by the coordinator's clock (this machine's).
            rows.Add(new Row(reader.GetInt64(0), reader.IsDBNull(1) ? "" : reader.GetString(1),
                new DateTime(reader.GetInt64(2), DateTimeKind.Utc), steps?.Last, steps?.First));
        }
        return rows;
    }

    /// <summary>Why the last read failed (shown when a wait times out).</summary>
    public string? LastError { get; private set; }

    /// <summary>Highest persisted step (0 when none), or null while the database cannot be read.</summary>
    public async Task<long?> TryLastStepAsync(string runId, CancellationToken ct)
    {
        try
        {
            var rows = await ReadAsync(runId, ct);
            LastError = rows.Count > 0 && rows.All(r => r.Step is null) ? $"{rows.Count} events, none a step event" : null;
            return rows.Select(r => r.Step ?? 0).DefaultIfEmpty(0).Max();
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or InvalidOperationException)
        {
            LastError = ex.Message;
            return null;
        }
    }

    /// <summary>
    /// One writer at a time: sequence numbers 1..n without a gap, every step persisted once and in order (1, 2, ...),
    /// and once a new writer (a coordinator incarnation) has written, no earlier writer writes again.
    /// Returns the writers in the order they took over.
    /// </summary>
    public static IReadOnlyList<string> AssertOneWriterAtATime(IReadOnlyList<Row> rows, long steps)
    {
        Assert.Equal(Enumerable.Range(1, rows.Count).Select(i => (long)i), rows.Select(r => r.SequenceNumber));
        var persistedSteps = rows.Where(r => r.Step is not null)
            .SelectMany(r => Enumerable.Range((int)r.FirstStep!.Value, (int)(r.Step!.Value - r.FirstStep.Value + 1)).Select(i => (long)i)).ToList();
        Assert.Equal(Enumerable.Range(1, (int)steps).Select(i => (long)i), persistedSteps);
        var writers = new List<string>();
        foreach (var row in rows)
        {
            if (writers.Count > 0 && writers[^1] == row.WriterUuid)
                continue;
            Assert.DoesNotContain(row.WriterUuid, writers); // an earlier writer came back after another took over
            writers.Add(row.WriterUuid);
        }
        return writers;
    }

    /// <summary>When the first step after <paramref name="afterStep"/> was persisted.</summary>
    public static DateTime PersistedAfter(IReadOnlyList<Row> rows, long afterStep) =>
        rows.First(r => r.Step > afterStep).Created;
}
