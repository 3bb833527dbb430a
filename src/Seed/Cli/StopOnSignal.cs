using System.Runtime.InteropServices;

namespace QD3PM.Seed.Cli;

/// <summary>
/// Ctrl-C or SIGTERM (`kill`, `timeout`, a service manager's stop) for a command that stops cleanly (`train`): the
/// first signal cancels <see cref="Token"/> so the command ends after the step in progress (exit
/// <see cref="ExitCodes.Interrupted"/>); a second ends the process at once, without waiting for anything (the journal
/// already holds every completed step).
/// </summary>
/// <remarks>
/// System.CommandLine 2.0.0 does not cancel its token on a signal. The embedded node leaves the signals to the command
/// (<c>NodeOptions.StopsOnSignals</c>): when its host stopped the actor system on them, the command kept asking a
/// stopped coordinator until its timeouts ran out (60 s, then an AskTimeoutException).
/// </remarks>
public sealed partial class StopOnSignal : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly IDisposable _handlers;
    private readonly string _firstLine;
    private readonly string _secondLine;
    private int _signals;

    /// <param name="firstLine">Printed to stderr on the first signal (what happens now).</param>
    /// <param name="secondLine">Printed to stderr on the second, just before the process ends.</param>
    public StopOnSignal(CancellationToken outer, string firstLine, string secondLine)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _firstLine = firstLine;
        _secondLine = secondLine;
        _handlers = StopSignals.Handle(OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>True once a signal came (the command reports an interruption, not an error).</summary>
    public bool Interrupted => Volatile.Read(ref _signals) > 0;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // the process stays; the command winds down itself
        if (Interlocked.Increment(ref _signals) == 1)
        {
            Console.Error.WriteLine(_firstLine);
            _ = _cts.CancelAsync(); // not inline: continuations must not run on the signal thread
            return;
        }
        Console.Error.WriteLine(_secondLine);
        Console.Error.Flush();
        Console.Out.Flush();
        ExitNow(ExitCodes.Interrupted);
    }

    /// <summary>Ends the process without running exit handlers (Akka's would wait for the coordinated shutdown).</summary>
    private static void ExitNow(int code)
    {
        if (OperatingSystem.IsWindows())
            Environment.Exit(code);
        else
            PosixExit(code);
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void PosixExit(int status);

    public void Dispose()
    {
        _handlers.Dispose();
        _cts.Dispose();
    }
}
