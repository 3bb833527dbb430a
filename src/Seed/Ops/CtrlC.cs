using System.Runtime.InteropServices;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>
/// Ctrl-C or SIGTERM as the normal end of a live command (`top`, `runs watch`, `cluster tail`, `log tail`): the signal
/// cancels <see cref="Token"/> and the command returns 0 instead of the process dying of it.
/// </summary>
public sealed class CtrlC : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly IDisposable _handlers;

    public CtrlC(CancellationToken outer)
    {
        _cts = CancellationTokenSource.CreateLinkedTokenSource(outer);
        _handlers = StopSignals.Handle(OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>Runs a live command; Ctrl-C (or cancellation of <paramref name="outer"/>) ends it with exit code 0.</summary>
    public static async Task<int> Run(CancellationToken outer, Func<CancellationToken, Task<int>> body)
    {
        using var ctrlC = new CtrlC(outer);
        try
        {
            return await body(ctrlC.Token);
        }
        catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
        {
            return 0;
        }
    }

    /// <summary>Waits between refreshes; false when Ctrl-C came (the command then ends quietly, exit 0).</summary>
    public static async Task<bool> Delay(TimeSpan delay, CancellationToken ct)
    {
        try
        {
            await Task.Delay(delay, ct);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // keep the process; the command winds down and exits normally
        _ = _cts.CancelAsync(); // not inline: continuations must not run on the signal thread
    }

    public void Dispose()
    {
        _handlers.Dispose();
        _cts.Dispose();
    }
}
