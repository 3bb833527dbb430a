using System.Net;
using System.Net.Sockets;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>A loopback port free right now (benchmarks start their own servers on it).</summary>
internal static class FreePort
{
    public static int Get()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
