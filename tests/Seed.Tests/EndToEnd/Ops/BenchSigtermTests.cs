using QD3PM.Seed.Cli;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>
/// Issue 10: every command ends promptly on SIGTERM (`kill PID`, `timeout`, a service manager's stop) with exit 130 and
/// one line. `bench estimators` embeds both kinds of host (a QPU emulator and a cluster node): their console lifetimes
/// used to stop them under the command, which then waited 60 s and died with an AskTimeoutException (exit 1).
/// </summary>
public sealed class BenchSigtermTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qd3pm-bench-sigterm-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (DirectoryNotFoundException) { }
        catch (IOException) { }
    }

    [Fact(Timeout = 120_000)]
    public async Task SIGTERM_ends_a_bench_with_embedded_hosts_within_seconds_with_exit_130_and_one_line()
    {
        // A KL target of 0 is never reached: the run's 100,000 steps keep it busy until the signal.
        using var bench = Qd3pmProcess.Start("bench", "bench", "estimators", "--estimators", "shift:1000:0.05:100000", "--target-kl", "0",
            "--seeds", "1", "--evaluations", "100000", "--out", _dir);
        await bench.WaitForOutputAsync("step 1 KL", TimeSpan.FromSeconds(90)); // training through both hosts

        var sent = System.Diagnostics.Stopwatch.StartNew();
        bench.Terminate();
        // The command unwinds in about a second at idle; 10 s leaves room for a loaded machine, far below the 60 s of the
        // bug (and above the 5 s after which a command that does not stop is ended at once).
        Assert.True(await bench.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"still running {sent.Elapsed.TotalSeconds:F1} s after SIGTERM\n{bench.Describe()}");
        Assert.True(bench.ExitCode == ExitCodes.Interrupted, $"exit {bench.ExitCode}\n{bench.Describe()}");
        var errorLines = bench.StandardError.Split('\n').Where(l => l.StartsWith("error:", StringComparison.Ordinal)).ToList();
        Assert.True(errorLines is ["error: interrupted by SIGTERM"], bench.Describe());
        Assert.DoesNotContain("   at ", bench.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", bench.StandardError + bench.StandardOutput, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "summary.json")), "an interrupted bench wrote its summary as if complete");
    }
}
