using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using QD3PM.Seed.Commands;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>
/// Issue 10: a node whose cluster, management or metrics port is taken refuses to start with one line and exit code 6,
/// before it touches the cluster; the node already on the port stays up and alone in its cluster.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterPortTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-e2e-port-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact(Timeout = 120_000)]
    public async Task A_taken_cluster_management_or_metrics_port_is_one_line_and_exit_6_and_the_running_node_stays_up()
    {
        int port = FreePort.Get(), mgmt = FreePort.Get();
        using var node = Qd3pmProcess.Start("node", "node", "--roles", "coordinator,simulator", "--port", port.ToString(),
            "--journal", "sqlite:" + Path.Combine(_dir, "journal.db"), "--mgmt-port", mgmt.ToString(), "--hocon", RepoPaths.TestHocon);
        await node.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
        using var metricsHolder = new TcpListener(IPAddress.Loopback, 0);
        metricsHolder.Start();
        var metrics = ((IPEndPoint)metricsHolder.LocalEndpoint).Port;

        // A second node on the running node's cluster port, pointing at it as its seed (what an operator would type).
        using (var clash = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "node", "--roles", "simulator", "--port", port.ToString(),
                   "--seeds", $"127.0.0.1:{port}", "--hocon", RepoPaths.TestHocon))
        {
            CliAssert.OneErrorLine(clash, $"cluster port (--port) {port} on 127.0.0.1 is already in use", NodeCommand.PortInUseExitCode);
            Assert.DoesNotContain("node up", clash.StandardOutput);
        }
        using (var clash = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "node", "--roles", "simulator", "--port", FreePort.Get().ToString(),
                   "--seeds", $"127.0.0.1:{port}", "--mgmt-port", mgmt.ToString(), "--hocon", RepoPaths.TestHocon))
        {
            CliAssert.OneErrorLine(clash, $"management port (--mgmt-port) {mgmt}", NodeCommand.PortInUseExitCode);
        }
        using (var clash = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "node", "--roles", "simulator", "--port", FreePort.Get().ToString(),
                   "--seeds", $"127.0.0.1:{port}", "--metrics-port", metrics.ToString(), "--hocon", RepoPaths.TestHocon))
        {
            CliAssert.OneErrorLine(clash, $"metrics port (--metrics-port) {metrics}", NodeCommand.PortInUseExitCode);
        }

        // The running node was never disturbed: still up, still the only member, still Up and reachable.
        Assert.False(node.HasExited, node.Describe());
        using var show = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "show", "--json", "--node", $"127.0.0.1:{mgmt}");
        Assert.Equal(0, show.ExitCode);
        var member = Assert.Single(JsonDocument.Parse(show.StandardOutput).RootElement.GetProperty("members").EnumerateArray());
        Assert.Equal($"akka.tcp://qd3pm@127.0.0.1:{port}", member.GetProperty("address").GetString());
        Assert.Equal("Up", member.GetProperty("status").GetString());
        Assert.True(member.GetProperty("reachable").GetBoolean());
        Assert.DoesNotContain("downing", node.StandardError, StringComparison.OrdinalIgnoreCase);
    }
}
