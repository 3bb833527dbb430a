using System.Diagnostics;
using QD3PM.Seed.Tests.Support;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>
/// A private tmux server (own socket) to run commands in a real pseudo-terminal and read the screen back.
/// Dispose kills that server, never anyone else's.
/// </summary>
public sealed class Tmux : IDisposable
{
    private readonly string _socket = "qd3pm-test-" + Guid.NewGuid().ToString("N")[..8];

    public static bool Available => Run("tmux", "-V").ExitCode == 0;

    /// <summary>Starts <paramref name="shellCommand"/> in a detached session of the given size.</summary>
    public void NewSession(string name, string shellCommand, int width = 160, int height = 60)
    {
        // remain-on-exit keeps the pane (and its last screen) if the command ends early, so a failure shows why.
        Check(Run("tmux", "-L", _socket, "new-session", "-d", "-s", name, "-x", width.ToString(), "-y", height.ToString(),
            // bash traps SIGINT (a handler, so the command itself still gets Ctrl-C) and carries on after the command.
            "bash -c " + Quote($"trap true INT; export {Qd3pmProcess.NoDiagnosticsVariable}=0; " + shellCommand + "; sleep 60")));
        Run("tmux", "-L", _socket, "set-option", "-t", name, "remain-on-exit", "on");
    }

    private static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    public string Capture(string name)
    {
        var (code, output) = Run("tmux", "-L", _socket, "capture-pane", "-p", "-t", name);
        return code == 0 ? output : throw new InvalidOperationException($"tmux session {name} is gone ({output.Trim()}); last screen:\n{_lastScreen}");
    }

    private string _lastScreen = "";

    public void SendKeys(string name, params string[] keys) => Check(Run("tmux", ["-L", _socket, "send-keys", "-t", name, .. keys]));

    /// <summary>Polls the screen until it contains all of <paramref name="texts"/>; returns it (throws with the screen on timeout).</summary>
    public async Task<string> WaitForScreen(string name, TimeSpan timeout, params string[] texts)
    {
        var until = DateTime.UtcNow + timeout;
        string screen = "";
        while (DateTime.UtcNow < until)
        {
            screen = _lastScreen = Capture(name);
            if (texts.All(t => screen.Contains(t, StringComparison.Ordinal)))
                return screen;
            await Task.Delay(250);
        }
        throw new TimeoutException($"tmux session {name} never showed [{string.Join(", ", texts)}]; screen:\n{screen}");
    }

    public void Dispose() => Run("tmux", "-L", _socket, "kill-server");

    private static (int ExitCode, string Output) Check((int ExitCode, string Output) result) =>
        result.ExitCode == 0 ? result : throw new InvalidOperationException("tmux failed: " + result.Output);

    private static (int ExitCode, string Output) Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
                info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var output = p.StandardOutput.ReadToEndAsync();
            var error = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(10_000))
            {
                p.Kill(true);
                return (-1, "timed out");
            }
            return (p.ExitCode, output.Result + error.Result);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}
