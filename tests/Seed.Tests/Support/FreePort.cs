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

    /// <summary>A free port whose next <paramref name="count"/> - 1 neighbours are free too (launchers number nodes upward).</summary>
    public static int Range(int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var start = Get();
            if (start + count <= 65535 && Enumerable.Range(start + 1, count - 1).All(IsFree))
                return start;
        }
        throw new InvalidOperationException($"no {count} consecutive free ports");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
