using Microsoft.Data.Sqlite;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Training;

/// <summary>
/// The output directory of an embedded `qd3pm train` (spec.json, journal.db, metrics.csv, model.json) as one process
/// owns it: a lock so a second process on the same directory is refused while the first runs, a check that a run's
/// journal is whole before it is resumed (an empty or truncated journal.db would otherwise restart the run from step 0
/// without a word), and the one translation of "the disk is full" into a CLI error.
/// </summary>
public sealed class RunDirectory : IDisposable
{
    private const string LockFile = "train.lock";
    private const int NoSpaceLeft = 28; // ENOSPC
    private readonly FileStream _lock;

    private RunDirectory(string path, FileStream held)
    {
        Path = path;
        _lock = held;
    }

    public string Path { get; }

    public string SpecPath => System.IO.Path.Combine(Path, "spec.json");

    public string JournalPath => InProcessRunClient.JournalPath(Path);

    /// <summary>Creates the directory if needed and takes its lock (held until Dispose, released by the kernel if the process dies).</summary>
    public static RunDirectory Acquire(string path)
    {
        try
        {
            Directory.CreateDirectory(path);
            // FileShare.None is an exclusive flock on Unix: a second process gets IOException until this one ends.
            var held = new FileStream(System.IO.Path.Combine(path, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new RunDirectory(path, held);
        }
        catch (IOException ex) when (!IsDiskFull(ex))
        {
            throw new CliException($"{path} is in use by another `qd3pm train` process; wait for it to end or choose another --out",
                ExitCodes.RunDirectoryLocked);
        }
        catch (Exception ex) when (Translate(ex, path) is { } cli)
        {
            throw cli;
        }
    }

    /// <summary>
    /// Refuses to go on with a run whose journal lost its steps: an earlier run was started here (spec.json exists)
    /// and journal.db is empty, unreadable, or holds no event. A missing journal is refused only when resuming.
    /// </summary>
    public void CheckJournal(bool resuming)
    {
        var journal = new FileInfo(JournalPath);
        if (!File.Exists(SpecPath) || (!journal.Exists && !resuming))
            return;
        if (!journal.Exists)
            throw Damaged("is missing: there is nothing to resume (run again without --resume to start over)");
        if (journal.Length == 0)
            throw Damaged("is empty (0 bytes): the run's steps are lost");
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder
            {
                DataSource = JournalPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false,
            }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            if (command.ExecuteScalar() as string != "ok")
                throw Damaged("fails SQLite's integrity check: it is truncated or damaged");
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'journal'";
            if (Convert.ToInt64(command.ExecuteScalar()) == 0)
                throw Damaged("holds no journal table: it is not this run's journal");
            command.CommandText = "SELECT count(*) FROM journal";
            if (Convert.ToInt64(command.ExecuteScalar()) == 0)
                throw Damaged("holds no events: the run's steps are lost");
        }
        catch (SqliteException ex)
        {
            throw Damaged($"cannot be read ({ex.Message.TrimEnd('.')}): it is truncated or damaged");
        }
    }

    /// <summary>
    /// Refuses to start with less than <see cref="MinimumFreeBytes"/> free on the directory's device: the journal's
    /// first writes (tables, WAL, shared memory) would fail deep inside the persistence plugin instead.
    /// </summary>
    public void CheckSpace()
    {
        long free;
        try
        {
            free = new DriveInfo(System.IO.Path.GetFullPath(Path)).AvailableFreeSpace;
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return; // no answer from the file system: the writes themselves will tell
        }
        if (free < MinimumFreeBytes)
            throw new CliException($"no space left on the device of {Path} ({free / 1024} KiB free): free some space or choose another --out", ExitCodes.DiskFull);
    }

    /// <summary>What a run needs free to start: the journal's tables, WAL and shared memory take a few hundred KiB.</summary>
    public const long MinimumFreeBytes = 1 << 20;

    /// <summary>A journal error that says the disk is full (SQLite's SQLITE_FULL, or the OS's ENOSPC).</summary>
    public static bool IsDiskFull(string error) =>
        error.Contains("disk is full", StringComparison.OrdinalIgnoreCase) || error.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// The journal refused the run's registration: a full disk is exit 7 (free some space), any other error (a locked
    /// or failing database) is the journal unavailable, exit 3 as for a cluster's journal, with the database's own error.
    /// </summary>
    public static CliException JournalWriteFailed(string journalError, string path) => IsDiskFull(journalError)
        ? new CliException($"no space left on the device of {path} (the journal is full): free some space or choose another --out", ExitCodes.DiskFull)
        : new CliException($"cannot write the journal in {path}: {journalError}", ExitCodes.Unreachable);

    /// <summary>
    /// The journal failed on a record of the run, not on the file or the disk: an event or snapshot this build cannot read
    /// (written by another qd3pm build, or damaged inside an intact SQLite file). Exit 9 as for a damaged file; nothing
    /// is written to the journal, so the run's state stays as it was for a build that can read it.
    /// </summary>
    public static CliException JournalUnusable(string journalError, string path) =>
        new($"the journal in {path} cannot be used: {journalError} (the file is left as it is: a qd3pm build that reads it can resume the run; else move it away and start again with another --out)",
            ExitCodes.JournalDamaged);

    private CliException Damaged(string what) =>
        new($"{JournalPath} {what}; move it away and start the run again with another --out", ExitCodes.JournalDamaged);

    /// <summary>The disk under <paramref name="path"/> is full (or read-only): one line and exit 7, else null.</summary>
    public static CliException? Translate(Exception ex, string path) => ex switch
    {
        IOException io when IsDiskFull(io) => new CliException($"no space left on the device of {path}: free some space or choose another --out", ExitCodes.DiskFull),
        SqliteException { SqliteErrorCode: 13 } => new CliException($"no space left on the device of {path} (the journal is full): free some space or choose another --out", ExitCodes.DiskFull),
        UnauthorizedAccessException => new CliException($"cannot write to {path}: permission denied", ExitCodes.DiskFull),
        _ => null,
    };

    private static bool IsDiskFull(IOException ex) => (ex.HResult & 0xFFFF) == NoSpaceLeft || ex.Message.Contains("No space left", StringComparison.OrdinalIgnoreCase);

    public void Dispose() => _lock.Dispose();
}
