using System.Text.Json;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>
/// A loopback cluster of real `qd3pm node` processes for the ops commands: a seed + coordinator with the management
/// endpoint and N simulator workers, the fast failure detector of deploy/hocon/test.conf, and (optionally) the split
/// brain resolver slowed down (and crashed-member downing off) so an operator's `cluster down` is what removes a dead node. Dispose kills them all.
/// </summary>
public sealed class OpsCluster : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-ops-").FullName;
    private readonly ClusterHarness _cluster;

    public OpsCluster(int workers, bool manualDowning = false, string roles = "coordinator")
    {
        var hocon = new List<string>();
        if (manualDowning)
        {
            var file = Path.Combine(_dir, "manual-down.conf");
            File.WriteAllText(file, "# the resolver (7 s) and the leader's crashed-member downing (at once) would down a killed node by\n"
                                    + "# themselves; give the operator a minute\n"
                                    + "akka.cluster.split-brain-resolver.stable-after = 60s\n"
                                    + "qd3pm.membership.down-crashed-members = off\n");
            hocon.Add(file);
        }
        _cluster = new ClusterHarness("sqlite:" + Path.Combine(_dir, "journal.db"), workers, roles, hocon);
    }

    public int CoordinatorPort => _cluster.CoordinatorPort;
    public int ManagementPort => _cluster.ManagementPort;
    public string Node => _cluster.ManagementAddress;
    public Qd3pmProcess Coordinator => _cluster.Coordinator;
    public List<Qd3pmProcess> Workers => _cluster.Workers;
    public List<int> WorkerPorts => _cluster.WorkerPorts;

    public Task WaitUntilUpAsync() => _cluster.WaitUntilUpAsync();

    /// <summary>Runs `qd3pm ARGS --node THIS` to its end (30 s at most).</summary>
    public Task<Qd3pmProcess> CliAsync(params string[] args) => Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), [.. args, "--node", Node]);

    /// <summary>Runs a --json command that must succeed and returns its parsed output.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        using var p = await CliAsync([.. args, "--json"]);
        Assert.True(p.ExitCode == 0, $"qd3pm {string.Join(' ', args)} failed:\n{p.Describe()}");
        return JsonDocument.Parse(p.StandardOutput).RootElement.Clone();
    }

    /// <summary>Polls <paramref name="probe"/> until it holds; fails with <paramref name="what"/> after the timeout.</summary>
    public static async Task Eventually(Func<Task<bool>> probe, TimeSpan timeout, string what)
    {
        var until = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < until)
        {
            if (await probe())
                return;
            await Task.Delay(300);
        }
        Assert.Fail($"timed out after {timeout.TotalSeconds:0}s waiting for: {what}");
    }

    public string Describe() => _cluster.Describe();

    public void Dispose()
    {
        _cluster.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}
