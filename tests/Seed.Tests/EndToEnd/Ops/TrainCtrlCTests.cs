using System.Globalization;
using System.Text.RegularExpressions;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Tests.Commands;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>
/// Issue 10.5: Ctrl-C on an embedded `qd3pm train` in a real terminal (tmux pseudo-terminal), or SIGTERM: the first ends the
/// process within seconds with exit 130, a second ends it at once; either way the journal holds every completed step
/// and `--resume` reaches the parameters of an uninterrupted run bit for bit.
/// </summary>
public sealed partial class TrainCtrlCTests : IDisposable
{
    // The key or signal must come before half way, and the run must not end before it: 3,000 steps were enough at
    // 175 steps/s, but journal batching made this spec (L 2, batch 4) run at up to 3,600 steps/s here, and CI saw a
    // 3,000-step run end 1 s after its first line, before SIGTERM. 20,000 steps last 5-6 s at that speed.
    private const int Steps = 20_000;
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qd3pm-ctrlc-{Guid.NewGuid():N}");

    public TrainCtrlCTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    [Fact(Timeout = 240_000)]
    public async Task Ctrl_C_ends_an_embedded_run_within_two_seconds_with_exit_130_and_resume_matches_an_uninterrupted_run()
    {
        string run = Path.Combine(_dir, "once");
        using var tmux = StartTraining(run, out string session);
        await WaitForStep(tmux, session, atLeast: 5);

        double pressed = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        tmux.SendKeys(session, "C-c");
        var (code, exited, screen) = await WaitForExit(tmux, session);

        Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{screen}");
        // One step of this spec takes milliseconds, so the stop is the node's shutdown: under 2 s on an idle machine
        // (docs/cli.md); 5 s leaves room for a loaded CI machine, far below the 60 s of the bug this guards against.
        Assert.True(exited - pressed <= 5.0, $"exited {exited - pressed:F2} s after Ctrl-C\n{screen}");
        Assert.Contains("stopped: every completed step is in", screen);
        Assert.DoesNotContain("Exception", screen);
        await AssertResumeMatchesReference(run);
    }

    [Fact(Timeout = 240_000)]
    public async Task A_second_Ctrl_C_ends_the_run_at_once_and_the_journal_still_resumes_bit_identically()
    {
        string run = Path.Combine(_dir, "twice");
        using var tmux = StartTraining(run, out string session);
        await WaitForStep(tmux, session, atLeast: 5);

        // Two key presses a few milliseconds apart (two tmux calls; in one call the terminal's two SIGINTs can merge
        // into one): the second arrives while the first's orderly stop (the node's shutdown) is under way.
        tmux.SendKeys(session, "C-c");
        await Task.Delay(20);
        tmux.SendKeys(session, "C-c");
        var (code, _, screen) = await WaitForExit(tmux, session);

        Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{screen}");
        // On an idle machine the orderly stop can finish before the second key arrives; either way the process ended
        // with 130 and one of the two stop lines, and the journal resumes bit-identically.
        Assert.True(screen.Contains("stopped at once") || screen.Contains("stopped: every completed step"), screen);
        Assert.DoesNotContain("Exception", screen);
        await AssertResumeMatchesReference(run);
    }

    [Fact(Timeout = 240_000)]
    public async Task SIGTERM_ends_an_embedded_run_like_Ctrl_C_and_resume_matches_an_uninterrupted_run()
    {
        // `kill PID`, `timeout` and service managers stop a process with SIGTERM; it used to stop the embedded node
        // under the command, which then asked it for 60 s and died with an AskTimeoutException (exit 1).
        string run = Path.Combine(_dir, "term");
        // Without a terminal the progress line comes every 2 s, so the signal goes 0.5 s after the run's first line; the
        // run's Steps keep it from finishing first.
        using var train = Qd3pmProcess.Start("train", "train", "--dataset", "bas:2x2", "--layers", "2", "--steps", Steps.ToString(CultureInfo.InvariantCulture),
            "--batch", "4", "--eval-every", "0", "--eval-samples", "200", "--out", run);
        await train.WaitForOutputAsync($"step 0/{Steps}", TimeSpan.FromSeconds(90));
        await Task.Delay(500);
        Assert.False(train.HasExited, "the run ended before SIGTERM could stop it:\n" + train.Describe());

        var sent = System.Diagnostics.Stopwatch.StartNew();
        train.Terminate();
        // Documented: within 2 s of the signal on an idle machine; 10 s leaves room for a loaded CI machine, far below
        // the 60 s of the bug.
        Assert.True(await train.WaitForExitAsync(TimeSpan.FromSeconds(10)), $"still running {sent.Elapsed.TotalSeconds:F1} s after SIGTERM\n{train.Describe()}");
        Assert.True(train.ExitCode == ExitCodes.Interrupted, $"exit {train.ExitCode}\n{train.Describe()}");
        Assert.Contains("stopped: every completed step is in", train.StandardError, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", train.StandardError + train.StandardOutput, StringComparison.Ordinal);
        await AssertResumeMatchesReference(run);
    }

    private static Tmux StartTraining(string run, out string session)
    {
        Assert.True(Tmux.Available, "tmux is needed for the terminal tests (scripts/test.sh installs it)");
        session = "train";
        var tmux = new Tmux();
        tmux.NewSession(session, $"dotnet {RepoPaths.Qd3pmDll} train --dataset bas:2x2 --layers 2 --steps {Steps} --batch 4 " +
                                 $"--eval-every 0 --eval-samples 200 --out {run}; echo \"EXIT=$? AT=$(date +%s.%N)\"");
        return tmux;
    }

    private static async Task WaitForStep(Tmux tmux, string session, int atLeast)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        string screen = "";
        while (DateTime.UtcNow < until)
        {
            screen = tmux.Capture(session);
            var steps = StepPattern().Matches(screen).Select(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToList();
            if (steps.Count > 0 && steps.Max() >= atLeast)
            {
                // The screen lags the run; past half way the run could end before the key arrives (seen in CI at 300 steps).
                Assert.True(steps.Max() < Steps / 2, "the run got too far before Ctrl-C could stop it:\n" + screen);
                return;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"training never reached step {atLeast}:\n{screen}");
    }

    private static async Task<(int Code, double ExitedAt, string Screen)> WaitForExit(Tmux tmux, string session)
    {
        string screen = await tmux.WaitForScreen(session, TimeSpan.FromSeconds(60), "EXIT=");
        var m = ExitPattern().Match(screen);
        Assert.True(m.Success, screen);
        return (int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), screen);
    }

    private static async Task AssertResumeMatchesReference(string run)
    {
        Assert.False(File.Exists(Path.Combine(run, "model.json")), "the interrupted run wrote a model");
        using var resumed = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(3), "train", "--resume", run, "--eval-samples", "200");
        Assert.True(resumed.ExitCode == 0, resumed.Describe());
        // It went on from the journal (its first progress line is past the steps done before Ctrl-C), not from step 0.
        var first = StepPattern().Match(resumed.StandardOutput);
        Assert.True(first.Success && int.Parse(first.Groups[1].Value, CultureInfo.InvariantCulture) >= 5, resumed.Describe());
        Assert.Equal(RunFiles.Reference(run), RunFiles.Parameters(run));
    }

    [GeneratedRegex(@"step (\d+)/\d+")]
    private static partial Regex StepPattern();

    [GeneratedRegex(@"EXIT=(\d+) AT=([0-9.]+)")]
    private static partial Regex ExitPattern();
}
