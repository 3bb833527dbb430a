using System.Security.Cryptography;
using System.Text;
using Microsoft.Data.Sqlite;

namespace QD3PM.Seed.Tests.Support;

/// <summary>An embedded run's SQLite journal (journal.db) read and damaged directly, as a test's fault.</summary>
public static class JournalTable
{
    /// <summary>Runs one statement on the file (no pooled connection is left open on it); the rows it changed.</summary>
    public static int Execute(string journalPath, string sql)
    {
        using var connection = Open(journalPath);
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteNonQuery();
    }

    /// <summary>SHA-256 of every row of the journal and snapshot tables in key order: equal digests, unchanged contents.</summary>
    public static string Digest(string journalPath)
    {
        using var connection = Open(journalPath);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var query in new[] { "SELECT * FROM journal ORDER BY ordering", "SELECT * FROM snapshot ORDER BY persistence_id, sequence_number" })
        {
            using var command = connection.CreateCommand();
            command.CommandText = query;
            using var reader = command.ExecuteReader();
            while (reader.Read())
                for (int i = 0; i < reader.FieldCount; i++)
                    hash.AppendData(reader.IsDBNull(i) ? [0] : reader.GetValue(i) is byte[] bytes ? bytes : Encoding.UTF8.GetBytes(reader.GetValue(i).ToString() + "\u001f"));
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static SqliteConnection Open(string journalPath)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = journalPath, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }
}
