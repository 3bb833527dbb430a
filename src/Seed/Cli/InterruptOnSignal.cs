using System.Runtime.InteropServices;

namespace QD3PM.Seed.Cli;

/// <summary>
/// What Ctrl-C (SIGINT) and SIGTERM do to any command that does not claim them (<see cref="StopSignals"/>): the first
/// signal cancels <see cref="Token"/>, the command's token, and the command unwinds (its embedded hosts are disposed,
/// temporary directories removed); the process then ends with <see cref="ExitCodes.Interrupted"/> and one line. A
/// command still running <see cref="GracePeriod"/> after the signal (a computation that does not look at the token),
/// or a second signal, ends the process at once with the same code and line.
/// </summary>
/// <remarks>
/// System.CommandLine's own termination handling is off (Program.Main): it only starts once an action returns its
/// first task, so a command computing before its first await died of the signal (143, no line), and it raced the
/// console lifetimes of the hosts embedded in a command (which stopped them under the command, while the command
/// waited on them until its timeouts ran out: 60 s, then an AskTimeoutException).
/// </remarks>
public sealed class InterruptOnSignal : IDisposable
{
    /// <summary>How long a command has to wind down after the first signal.</summary>
    public static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private readonly CancellationTokenSource _cts = new();
    private readonly IDisposable _handlers;
    private int _signals;
    private int _reported;
    private volatile string _signalName = "";

    public InterruptOnSignal()
    {
        _handlers = StopSignals.HandleUnclaimed(OnSignal);
    }

    public CancellationToken Token => _cts.Token;

    /// <summary>True once a signal came that this handler acted on.</summary>
    public bool Interrupted => Volatile.Read(ref _signals) > 0;

    /// <summary>Prints the interruption's one line (once, whoever comes first) and gives its exit code.</summary>
    public int Report()
    {
        if (Interlocked.Exchange(ref _reported, 1) == 0)
            Console.Error.WriteLine($"error: interrupted by {_signalName}");
        return ExitCodes.Interrupted;
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (StopSignals.ClaimedByCommand)
            return; // the command's own handler decides (and keeps the process)
        context.Cancel = true; // the process stays while the command unwinds
        if (Interlocked.Increment(ref _signals) > 1)
        {
            ExitAtOnce();
            return;
        }
        _signalName = context.Signal == PosixSignal.SIGINT ? "Ctrl-C (SIGINT)" : "SIGTERM";
        _ = _cts.CancelAsync(); // not inline: continuations must not run on the signal thread
        _ = Task.Delay(GracePeriod).ContinueWith(_ => ExitAtOnce(), TaskScheduler.Default);
    }

    private void ExitAtOnce() => ImmediateExit.Now(Report());

    public void Dispose()
    {
        _handlers.Dispose();
        _cts.Dispose();
    }
}
