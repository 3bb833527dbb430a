namespace QD3PM.Nodes.Security;

/// <summary>
/// The one test for "this address never leaves the machine": loopback binds may run without TLS and without a token;
/// anything else needs both.
/// </summary>
public static class LoopbackHost
{
    public static bool Is(string host) =>
        host is "localhost" || (System.Net.IPAddress.TryParse(host, out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
