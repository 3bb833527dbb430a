using System.Runtime.InteropServices;

namespace QD3PM.Seed.Cli;

/// <summary>
/// The signals that ask a command to stop: Ctrl-C (SIGINT) and SIGTERM (`kill`, `timeout`, a service manager's stop).
/// Commands that wind down by themselves (<see cref="StopOnSignal"/>, the live views' <see cref="Ops.CtrlC"/>) take
/// both through here, so the two lists cannot drift apart.
/// </summary>
public static class StopSignals
{
    /// <summary>Calls <paramref name="handler"/> on each of the signals until the result is disposed.</summary>
    public static IDisposable Handle(Action<PosixSignalContext> handler) =>
        new Registrations([PosixSignalRegistration.Create(PosixSignal.SIGINT, handler), PosixSignalRegistration.Create(PosixSignal.SIGTERM, handler)]);

    private sealed class Registrations(PosixSignalRegistration[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
                registration.Dispose();
        }
    }
}
