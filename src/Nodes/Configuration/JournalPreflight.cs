using Microsoft.Data.Sqlite;
using Npgsql;

namespace QD3PM.Nodes.Configuration;

/// <summary>
/// Opens the journal database once before the actor system starts, so an unreachable server or a corrupt file is
/// reported as one clear line instead of a persistence actor failing later. Also switches SQLite to WAL mode
/// (a property of the file, kept across connections): readers never block the journal writer.
/// </summary>
public static class JournalPreflight
{
    public static async Task CheckAsync(JournalTarget journal, CancellationToken ct)
    {
        try
        {
            if (journal.Kind == JournalKind.Sqlite)
                await CheckSqliteAsync(journal, ct);
            else
                await CheckPostgresAsync(journal, ct);
        }
        catch (Exception ex) when (ex is SqliteException or NpgsqlException or InvalidOperationException or IOException
                                       or UnauthorizedAccessException or ArgumentException or TimeoutException)
        {
            throw new JournalUnavailableException($"journal {journal} is not usable: {OneLine(ex.Message)}", ex);
        }
    }

    private static async Task CheckSqliteAsync(JournalTarget journal, CancellationToken ct)
    {
        var dir = Path.GetDirectoryName(journal.SqlitePath!);
        if (!string.IsNullOrEmpty(dir))
            Directory.CreateDirectory(dir);
        await using var connection = new SqliteConnection(journal.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL; PRAGMA quick_check;";
        await using var reader = await command.ExecuteReaderAsync(ct);
        do
        {
            while (await reader.ReadAsync(ct))
            {
                var value = reader.GetValue(0)?.ToString();
                if (reader.FieldCount == 1 && reader.GetName(0) == "quick_check" && value != "ok")
                    throw new InvalidOperationException($"integrity check failed: {value}");
            }
        } while (await reader.NextResultAsync(ct));
    }

    private static async Task CheckPostgresAsync(JournalTarget journal, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(journal.ConnectionString);
        if (builder.Timeout > 10 || builder.Timeout == 0)
            builder.Timeout = 10;
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(ct);
    }

    private static string OneLine(string text) => text.ReplaceLineEndings(" ").Trim();
}
