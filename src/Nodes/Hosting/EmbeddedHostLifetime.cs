using Microsoft.Extensions.Hosting;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// The lifetime of a node or QPU emulator embedded in a command (<see cref="Configuration.NodeOptions.StopsOnSignals"/>,
/// <see cref="Qpu.Emulator.QpuEmulatorOptions.StopsOnSignals"/> false): it registers no signal handlers, so the command
/// that owns the process decides what SIGINT and SIGTERM do and stops the host itself.
/// </summary>
internal sealed class EmbeddedHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
