using System.Diagnostics;
using System.Text;

namespace QD3PM.Seed.Tests.Support;

/// <summary>
/// A `dotnet qd3pm.dll ...` child process with captured output. Dispose kills it (SIGKILL, whole tree), so a failing
/// test never leaves a node running.
/// </summary>
public sealed class Qd3pmProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly object _lock = new();

    /// <summary>
    /// Set to 0 for every process a test starts (and what those start, by inheritance): the runtime's diagnostic IPC
    /// (a /tmp/clr-debug-pipe-* pair and a /tmp/dotnet-diagnostic-* socket per process) is removed only on a clean
    /// exit, so the nodes the tests kill left about 250 files in /tmp per suite run.
    /// </summary>
    public const string NoDiagnosticsVariable = "DOTNET_EnableDiagnostics";

    private Qd3pmProcess(string name, IEnumerable<string> args, string? netns = null)
    {
        Name = name;
        // `ip netns exec NS dotnet ...` enters the namespace and execs dotnet: the pid is the node's own.
        var info = new ProcessStartInfo(netns is null ? "dotnet" : "ip")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (netns is not null)
        {
            foreach (var a in new[] { "netns", "exec", netns, "dotnet" })
                info.ArgumentList.Add(a);
        }
        info.ArgumentList.Add(RepoPaths.Qd3pmDll);
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.Environment["DOTNET_gcServer"] = "0";
        info.Environment["DOTNET_TieredPGO"] = "0";
        info.Environment[NoDiagnosticsVariable] = "0";
        _process = new Process { StartInfo = info, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_lock) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string StandardOutput { get { lock (_lock) return _stdout.ToString(); } }
    public string StandardError { get { lock (_lock) return _stderr.ToString(); } }

    public static Qd3pmProcess Start(string name, params string[] args) => new(name, args);

    /// <summary>Starts `qd3pm ARGS` inside the network namespace <paramref name="netns"/> (multi-host tests, as root).</summary>
    public static Qd3pmProcess StartIn(string netns, string name, params string[] args) => new(name, args, netns);

    /// <summary>Runs a short command to its end; kills it after <paramref name="timeout"/>.</summary>
    public static async Task<Qd3pmProcess> RunAsync(TimeSpan timeout, params string[] args)
    {
        var p = new Qd3pmProcess("command", args);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await p._process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            p.Kill();
            throw new TimeoutException($"qd3pm {string.Join(' ', args)} did not finish within {timeout}:\n{p.Describe()}");
        }
        p._process.WaitForExit(); // flush redirected output
        return p;
    }

    /// <summary>Waits until stdout or stderr (log lines) contains <paramref name="text"/>; throws with the process output on timeout or exit.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (StandardOutput.Contains(text, StringComparison.Ordinal) || StandardError.Contains(text, StringComparison.Ordinal))
                return;
            if (_process.HasExited)
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) before printing '{text}':\n{Describe()}");
            await Task.Delay(50);
        }
        throw new TimeoutException($"{Name} did not print '{text}' within {timeout}:\n{Describe()}");
    }

    /// <summary>kill -9 (the process gets no chance to leave the cluster or flush anything).</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>SIGTERM: the node runs its coordinated shutdown (hands work back, leaves the cluster).</summary>
    public void Terminate() => Signal(15);

    // Straight from this process (a `kill` child on a loaded machine added seconds and one more thing that can fail).
    private void Signal(int signal)
    {
        if (_process.HasExited)
            return;
        if (SendSignal(_process.Id, signal) != 0)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public string Describe() => $"--- {Name} stdout ---\n{StandardOutput}\n--- {Name} stderr ---\n{StandardError}";

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
