using System.Runtime.InteropServices;

namespace QD3PM.Seed.Cli;

/// <summary>
/// Ctrl-C or SIGTERM (`kill`, `timeout`, a service manager's stop) for a command that stops cleanly (`train`): the
/// first signal cancels <see cref="Token"/> so the command ends after the step in progress (exit
/// <see cref="ExitCodes.Interrupted"/>); a second ends the process at once, without waiting for anything (the journal
/// already holds every completed step).
/// </summary>
/// <remarks>
/// It claims the signals (<see cref="StopSignals"/>): the default of other commands, <see cref="InterruptOnSignal"/>,
/// would end a command that is still busy after 5 s, where a long step must be allowed to finish. The embedded node
/// leaves the signals to the command (<c>NodeOptions.StopsOnSignals</c>): when its host stopped the actor system on
/// them, the command kept asking a stopped coordinator until its timeouts ran out (60 s, then an AskTimeoutException).
/// </remarks>
public sealed class StopOnSignal : IDisposable
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
        ImmediateExit.Now(ExitCodes.Interrupted);
    }

    public void Dispose()
    {
        _handlers.Dispose();
        _cts.Dispose();
    }
}
