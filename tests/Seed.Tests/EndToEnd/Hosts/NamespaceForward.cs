using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// Lets the test process (in the machine's own namespace, which gets no 192.0.2.x address) reach a port inside a test
/// namespace: a listener on 127.0.0.1 whose every connection is relayed to a socket created inside that namespace
/// (setns on a thread of its own; a socket stays in the namespace it was created in). The tests use it to watch the
/// journal and call a node's management endpoint from inside that host, so their observation is never cut by the
/// partitions they make.
/// </summary>
public sealed partial class NamespaceForward : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly string _netns;
    private readonly IPEndPoint _target;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _open = [];

    public NamespaceForward(string netns, IPEndPoint target)
    {
        _netns = netns;
        _target = target;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _ = AcceptLoopAsync();
    }

    /// <summary>The 127.0.0.1 port that leads to the target.</summary>
    public int Port { get; }

    public string Address => $"127.0.0.1:{Port}";

    private async Task AcceptLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        Socket? upstream = null;
        try
        {
            upstream = CreateSocketInNamespace(_netns, _target.AddressFamily);
            lock (_open) { _open.Add(client); _open.Add(upstream); }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            await upstream.ConnectAsync(_target, timeout.Token);
            await Task.WhenAny(PumpAsync(client, upstream), PumpAsync(upstream, client));
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException or IOException)
        {
        }
        finally
        {
            client.Dispose();
            upstream?.Dispose();
            lock (_open) { _open.Remove(client); if (upstream is not null) _open.Remove(upstream); }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (n == 0)
                    return;
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>A TCP socket created inside <paramref name="netns"/> (/var/run/netns/NAME) by a short-lived thread.</summary>
    public static Socket CreateSocketInNamespace(string netns, AddressFamily family)
    {
        Socket? socket = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var handle = File.OpenHandle(Path.Combine("/var/run/netns", netns), FileMode.Open, FileAccess.Read);
                // The thread enters the namespace and ends right after: no other code ever runs on it.
                if (SetNs((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
                    throw new IOException($"setns({netns}) failed: errno {Marshal.GetLastPInvokeError()}");
                socket = new Socket(family, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            }
            catch (Exception ex)
            {
                error = ex;
            }
        }) { IsBackground = true, Name = "setns " + netns };
        thread.Start();
        thread.Join();
        return socket ?? throw new IOException($"cannot open a socket in namespace {netns}", error);
    }

    [LibraryImport("libc", EntryPoint = "setns", SetLastError = true)]
    private static partial int SetNs(int fd, int nstype);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_open)
        {
            foreach (var s in _open)
                s.Dispose();
            _open.Clear();
        }
        _stop.Dispose();
    }
}
