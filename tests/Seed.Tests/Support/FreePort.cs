using System.Net;
using System.Net.Sockets;

namespace QD3PM.Seed.Tests.Support;

/// <summary>Free TCP ports on 127.0.0.1 (asks the OS for an ephemeral port, then releases it).</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    public static int Get()
    {
        lock (Handed)
        {
            while (true)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                if (Handed.Add(port))
                    return port;
            }
        }
    }
}
