using System.Runtime.InteropServices;

namespace QD3PM.Seed.Cli;

/// <summary>
/// The signals that ask a command to stop: Ctrl-C (SIGINT) and SIGTERM (`kill`, `timeout`, a service manager's stop).
/// Every command gets <see cref="InterruptOnSignal"/> (Program.Main); a command that winds down in its own way
/// (<see cref="StopOnSignal"/> for `train`, the live views' <see cref="Ops.CtrlC"/>, the servers whose host stops on
/// them) claims the signals here for as long as it does, and the default stands aside meanwhile. One list of signals,
/// so the handlers cannot drift apart.
/// </summary>
public static class StopSignals
{
    private static int _claims;

    /// <summary>True while a command handles the stop signals itself (<see cref="InterruptOnSignal"/> then does nothing).</summary>
    public static bool ClaimedByCommand => Volatile.Read(ref _claims) > 0;

    /// <summary>A command's own handling: calls <paramref name="handler"/> on each of the signals until the result is disposed.</summary>
    public static IDisposable Handle(Action<PosixSignalContext> handler) => new Claim(Register(handler));

    /// <summary>
    /// For a server command (`node`, `qpu serve`) whose host's console lifetime stops it on the signals (a graceful
    /// leave can take longer than the default's grace period, and it ends with 0): claims them without a handler of its own.
    /// </summary>
    public static IDisposable LeaveToHost() => new Claim(null);

    /// <summary>The process-wide default (<see cref="InterruptOnSignal"/>): a handler that does not claim the signals.</summary>
    internal static IDisposable HandleUnclaimed(Action<PosixSignalContext> handler) => Register(handler);

    private static Registrations Register(Action<PosixSignalContext> handler) =>
        new([PosixSignalRegistration.Create(PosixSignal.SIGINT, handler), PosixSignalRegistration.Create(PosixSignal.SIGTERM, handler)]);

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
                registration.Dispose();
        }
    }

    private sealed class Claim : IDisposable
    {
        private readonly IDisposable? _registrations;
        private int _disposed;

        public Claim(IDisposable? registrations)
        {
            _registrations = registrations;
            Interlocked.Increment(ref _claims);
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
                return;
            _registrations?.Dispose();
            Interlocked.Decrement(ref _claims);
        }
    }
}
