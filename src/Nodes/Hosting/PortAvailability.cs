using System.Net;
using System.Net.Sockets;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// Checks that the node's listening ports are free before anything starts. Needed because Akka's remoting binds its
/// port with .NET's ReuseAddress, which on Linux also sets SO_REUSEPORT: a second node on a taken cluster port would
/// share it with the first, print "node up" and get the healthy node downed as its "new incarnation".
/// The probe sets SO_REUSEADDR only, so a port held by a listener is refused, while connections of a killed
/// predecessor lingering in TIME_WAIT (a node restarted on its own port) are not.
/// </summary>
public static class PortAvailability
{
    private const int SolSocket = 1;   // SOL_SOCKET on Linux
    private const int SoReuseAddr = 2; // SO_REUSEADDR on Linux

    /// <summary>
    /// Throws <see cref="PortInUseException"/> naming <paramref name="what"/> when <paramref name="port"/> is taken, and
    /// <see cref="ArgumentException"/> when this machine cannot listen on <paramref name="host"/> at all.
    /// </summary>
    public static void EnsureFree(string host, int port, string what)
    {
        if (port == 0)
            return; // the OS picks a free one
        var address = Resolve(host);
        if (address is null)
            return; // not resolvable here: the listener itself reports it
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (OperatingSystem.IsLinux())
            socket.SetRawSocketOption(SolSocket, SoReuseAddr, BitConverter.GetBytes(1));
        try
        {
            socket.Bind(new IPEndPoint(address, port));
            socket.Listen(1);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new PortInUseException($"{what} {port} on {host} is already in use by another process (another qd3pm node?); choose a free port");
        }
        catch (SocketException ex) when (ex.SocketErrorCode is SocketError.AccessDenied or SocketError.AddressNotAvailable)
        {
            throw new ArgumentException($"cannot listen on {host}:{port} ({what}): {ex.Message}");
        }
    }

    private static IPAddress? Resolve(string host)
    {
        if (host is "localhost")
            return IPAddress.Loopback;
        if (IPAddress.TryParse(host, out var ip))
            return ip;
        try
        {
            return Dns.GetHostAddresses(host).FirstOrDefault();
        }
        catch (SocketException)
        {
            return null;
        }
    }
}
