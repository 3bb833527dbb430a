using System.Net;
using System.Net.Sockets;
using Microsoft.Data.Sqlite;
using QD3PM.Core.Simulation;
using QD3PM.Nodes.Qpu.Emulator;

namespace QD3PM.Nodes.Tests.Qpu;

/// <summary>
/// A noiseless QPU emulator in this process on a free loopback port, with no queue or shot time and its ledger in a
/// temp directory of its own (removed on dispose): the real gRPC endpoint for tests of the QPU proxy.
/// </summary>
internal sealed class LoopbackQpuEmulator : IAsyncDisposable
{
    private readonly string _dir;
    private readonly QpuEmulatorHost _host;

    private LoopbackQpuEmulator(string dir, QpuEmulatorHost host)
    {
        _dir = dir;
        _host = host;
    }

    public static async Task<LoopbackQpuEmulator> StartAsync(string name, int? maxCircuitsPerJob = null)
    {
        var dir = Directory.CreateTempSubdirectory($"qd3pm-{name}-").FullName;
        var options = new QpuEmulatorOptions
        {
            Host = "127.0.0.1", Port = FreePort(), LedgerPath = Path.Combine(dir, "ledger.db"), QueueMs = 0, ShotMicroseconds = 0,
            Noise = NoiseModel.None, Seed = 3,
        };
        if (maxCircuitsPerJob is { } max)
            options = options with { MaxCircuitsPerJob = max };
        return new LoopbackQpuEmulator(dir, await QpuEmulatorHost.StartAsync(options));
    }

    public Uri Url => new($"http://127.0.0.1:{_host.Port}");

    public string LedgerPath => Path.Combine(_dir, "ledger.db");

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
