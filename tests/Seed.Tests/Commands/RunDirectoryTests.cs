using QD3PM.Seed.Cli;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

/// <summary>
/// Issue 10.6: an embedded `qd3pm train` and its output directory. A second process on the same directory is refused
/// while the first runs, a damaged journal is an error (never a silent restart from step 0), a full disk is one line;
/// each with its exit code from docs/cli.md.
/// </summary>
public sealed class RunDirectoryTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qd3pm-rundir-{Guid.NewGuid():N}");

    public RunDirectoryTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static string[] Train(string run, int steps) =>
        ["train", "--dataset", "bas:2x2", "--layers", "2", "--steps", steps.ToString(), "--batch", "4", "--eval-every", "0", "--eval-samples", "100", "--out", run];

    [Fact]
    public async Task A_second_process_on_a_running_directory_is_refused_and_the_first_goes_on()
    {
        string run = Path.Combine(_dir, "locked");
        using var first = Qd3pmProcess.Start("first", Train(run, 100_000));
        await first.WaitForOutputAsync("step ", Timeout);

        using (var again = await Qd3pmProcess.RunAsync(Timeout, Train(run, 400)))
            CliAssert.OneErrorLine(again, "is in use by another `qd3pm train` process", ExitCodes.RunDirectoryLocked);
        using (var resume = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", run))
            CliAssert.OneErrorLine(resume, "is in use by another `qd3pm train` process", ExitCodes.RunDirectoryLocked);

        // The first process was not disturbed: still training, still writing its own journal.
        Assert.False(first.HasExited, first.Describe());
        long before = new FileInfo(Path.Combine(run, "metrics.csv")).Length;
        var until = DateTime.UtcNow + Timeout;
        while (new FileInfo(Path.Combine(run, "metrics.csv")).Length == before && DateTime.UtcNow < until && !first.HasExited)
            await Task.Delay(200);
        Assert.True(new FileInfo(Path.Combine(run, "metrics.csv")).Length > before && !first.HasExited, first.Describe());
    }

    [Fact]
    public async Task An_empty_or_truncated_journal_is_an_error_never_a_restart_from_step_0()
    {
        string run = Path.Combine(_dir, "journal");
        using (var done = await Qd3pmProcess.RunAsync(Timeout, Train(run, 40)))
            Assert.True(done.ExitCode == 0, done.Describe());
        string journal = Path.Combine(run, "journal.db");
        byte[] whole = File.ReadAllBytes(journal);
        foreach (var side in Directory.GetFiles(run, "journal.db-*"))
            File.Delete(side);

        File.WriteAllBytes(journal, []);
        using (var resume = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", run))
            CliAssert.OneErrorLine(resume, "journal.db is empty", ExitCodes.JournalDamaged);
        using (var rerun = await Qd3pmProcess.RunAsync(Timeout, Train(run, 40)))
            CliAssert.OneErrorLine(rerun, "journal.db is empty", ExitCodes.JournalDamaged);
        Assert.Equal(0, new FileInfo(journal).Length); // refused before anything wrote to it

        File.WriteAllBytes(journal, whole[..(whole.Length / 2)]);
        using (var truncated = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", run))
            CliAssert.OneErrorLine(truncated, "truncated or damaged", ExitCodes.JournalDamaged);

        File.Delete(journal);
        using (var missing = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", run))
            CliAssert.OneErrorLine(missing, "journal.db is missing", ExitCodes.JournalDamaged);
    }

    [Fact]
    public async Task A_journal_record_that_cannot_be_read_is_exit_9_at_once_and_the_journal_is_left_as_it_is()
    {
        string run = Path.Combine(_dir, "records");
        using (var done = await Qd3pmProcess.RunAsync(Timeout, Train(run, 300)))
            Assert.True(done.ExitCode == 0, done.Describe());
        foreach (var side in Directory.GetFiles(run, "journal.db-*"))
            File.Delete(side);

        // The run's own snapshot (its state at step 300), then the coordinator's registry: each zeroed as a damaged row
        // inside an intact SQLite file, or another build's record, would be. Neither becomes readable by waiting.
        foreach (var (damage, what) in new[]
        {
            ("UPDATE snapshot SET snapshot = zeroblob(length(snapshot)) WHERE persistence_id LIKE 'run-%'", "recovery from the journal failed"),
            ("UPDATE journal SET message = zeroblob(length(message)) WHERE persistence_id = 'qd3pm-coordinator'", "the coordinator's run registry"),
        })
        {
            string copy = Path.Combine(_dir, "damaged");
            if (Directory.Exists(copy))
                Directory.Delete(copy, recursive: true);
            Directory.CreateDirectory(copy);
            foreach (var file in Directory.GetFiles(run))
                File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
            string journal = Path.Combine(copy, "journal.db");
            Assert.True(JournalTable.Execute(journal, damage) > 0, damage);
            string before = JournalTable.Digest(journal);

            using var resume = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", copy);
            CliAssert.OneErrorLine(resume, what, ExitCodes.JournalDamaged);
            Assert.Contains($"the journal in {copy} cannot be used", resume.StandardError, StringComparison.Ordinal);
            Assert.DoesNotContain("[INFO]", resume.StandardOutput, StringComparison.Ordinal); // Akka's last log lines are not on stdout
            Assert.Equal(before, JournalTable.Digest(journal)); // not written to: the run's state is kept for a build that reads it
        }
    }

    [Theory]
    [InlineData("SQLite Error 13: 'database or disk is full'.", ExitCodes.DiskFull, "no space left on the device of")]
    [InlineData("Disk I/O failure (No space left on device)", ExitCodes.DiskFull, "no space left on the device of")]
    [InlineData("SQLite Error 5: 'database is locked'.", ExitCodes.Unreachable, "cannot write the journal in")]
    [InlineData("SQLite Error 10: 'disk I/O error'.", ExitCodes.Unreachable, "cannot write the journal in")]
    public void A_refused_journal_write_is_exit_7_only_for_a_full_disk(string journalError, int exitCode, string line)
    {
        var error = QD3PM.Seed.Training.RunDirectory.JournalWriteFailed(journalError, _dir);
        Assert.Equal(exitCode, error.ExitCode);
        Assert.StartsWith($"{line} {_dir}", error.Message, StringComparison.Ordinal);
        if (exitCode != ExitCodes.DiskFull)
            Assert.EndsWith(journalError, error.Message, StringComparison.Ordinal); // the database's own error, as it said it
        Assert.DoesNotContain('\n', error.Message);
    }

    [TmpfsFact]
    public async Task A_full_disk_is_one_error_line_at_the_start_and_in_the_middle_of_a_run()
    {
        // 256 KiB: too little to start (the journal's tables, WAL and shared memory alone take most of it).
        using (var tiny = SmallTmpfs.Mount("256k"))
        using (var start = await Qd3pmProcess.RunAsync(Timeout, Train(Path.Combine(tiny.Path, "run"), 400)))
            CliAssert.OneErrorLine(start, "no space left on the device", ExitCodes.DiskFull);

        // 2 MiB: the run starts and the device fills up after some thousands of steps: the journal (fast steps are
        // written in batches, about ten a second, but the snapshot every 100 steps carries the growing loss history)
        // or metrics.csv (a row per step), whichever's write comes first. Either way one line and exit 7.
        using var small = SmallTmpfs.Mount("2m");
        string run = Path.Combine(small.Path, "run");
        using var middle = await Qd3pmProcess.RunAsync(Timeout, Train(run, 200_000));
        CliAssert.OneErrorLine(middle, "no space left on the device of " + small.Path, ExitCodes.DiskFull);
        if (middle.StandardError.Contains("the journal is full", StringComparison.Ordinal))
            Assert.Contains("the journal is full at step", middle.StandardError);
        Assert.False(File.Exists(Path.Combine(run, "model.json")));
    }
}
