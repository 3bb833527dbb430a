using System.Text.Json;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>Issue 7: membership commands over a real loopback cluster (cluster show/leader/down, actor hierarchy, log tail).</summary>
[Collection(ClusterCollection.Name)]
public sealed class OpsMembershipTests
{
    private static JsonElement? MemberAt(JsonElement show, int port) =>
        show.GetProperty("members").EnumerateArray().Cast<JsonElement?>()
            .FirstOrDefault(m => m!.Value.GetProperty("address").GetString()!.EndsWith(":" + port, StringComparison.Ordinal));

    [Fact(Timeout = 120_000)]
    public async Task Show_lists_roles_then_a_killed_node_is_unreachable_until_cluster_down_removes_it()
    {
        using var cluster = new OpsCluster(workers: 2, manualDowning: true);
        try
        {
            await cluster.WaitUntilUpAsync();
            JsonElement show = default;
            await OpsCluster.Eventually(async () =>
            {
                show = await cluster.JsonAsync("cluster", "show");
                return show.GetProperty("members").GetArrayLength() == 3
                       && show.GetProperty("members").EnumerateArray().All(m => m.GetProperty("status").GetString() == "Up");
            }, TimeSpan.FromSeconds(20), "three members Up");
            var coordinator = MemberAt(show, cluster.CoordinatorPort)!.Value;
            Assert.Equal(["coordinator"], coordinator.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
            // Akka's leader is the first Up member in address order (ports are random here): exactly one, the one `cluster leader` names.
            var leaderAddress = Assert.Single(show.GetProperty("members").EnumerateArray(), m => m.GetProperty("leader").GetBoolean()).GetProperty("address").GetString()!;
            Assert.Equal(leaderAddress, show.GetProperty("leader").GetString());
            foreach (var port in cluster.WorkerPorts)
            {
                var worker = MemberAt(show, port)!.Value;
                Assert.Equal(["simulator"], worker.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
                Assert.True(worker.GetProperty("reachable").GetBoolean());
                Assert.True(worker.GetProperty("upSeconds").GetDouble() > 0, "each member reports its own up time");
            }

            // `cluster tail` streams from here on: the current members first, then the changes below.
            using var tail = Support.Qd3pmProcess.Start("tail", "cluster", "tail", "--json", "--node", cluster.Node);
            await tail.WaitForOutputAsync($"\"kind\":\"MemberUp\",\"address\":\"akka.tcp://qd3pm@127.0.0.1:{cluster.WorkerPorts[1]}\"", TimeSpan.FromSeconds(20));

            using (var leader = await cluster.CliAsync("cluster", "leader"))
                Assert.StartsWith(leaderAddress, leader.StandardOutput);

            // kill -9 one worker: it shows unreachable (the slowed resolver leaves it to the operator) ...
            var victim = cluster.WorkerPorts[1];
            cluster.Workers[1].Kill();
            await OpsCluster.Eventually(async () =>
            {
                show = await cluster.JsonAsync("cluster", "show");
                return MemberAt(show, victim) is { } m && !m.GetProperty("reachable").GetBoolean();
            }, TimeSpan.FromSeconds(20), "the killed worker shown unreachable");
            Assert.True(MemberAt(show, victim)!.Value.GetProperty("upSeconds").ValueKind == JsonValueKind.Null, "no up time for an unreachable member");
            using (var table = await cluster.CliAsync("cluster", "show"))
                Assert.Contains("UNREACHABLE", table.StandardOutput);

            // ... and `cluster down` removes it.
            using (var down = await cluster.CliAsync("cluster", "down", $"127.0.0.1:{victim}"))
                Assert.True(down.ExitCode == 0, down.Describe());
            await OpsCluster.Eventually(async () =>
            {
                show = await cluster.JsonAsync("cluster", "show");
                return MemberAt(show, victim) is null && show.GetProperty("members").GetArrayLength() == 2;
            }, TimeSpan.FromSeconds(20), "the downed worker removed");

            // The tail saw the worker become unreachable and be removed, in that order.
            await tail.WaitForOutputAsync($"\"kind\":\"MemberRemoved\",\"address\":\"akka.tcp://qd3pm@127.0.0.1:{victim}\"", TimeSpan.FromSeconds(10));
            var events = tail.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement)
                .Where(e => e.GetProperty("address").GetString()!.EndsWith(":" + victim, StringComparison.Ordinal))
                .Select(e => e.GetProperty("kind").GetString()).ToList();
            Assert.True(events.IndexOf("UnreachableMember") >= 0 && events.IndexOf("UnreachableMember") < events.IndexOf("MemberRemoved"), string.Join(",", events));
            tail.Kill();

            // Inside the node: its actors and its log (the removal is in it).
            var tree = await cluster.JsonAsync("actor", "hierarchy");
            var paths = tree.GetProperty("actors").EnumerateArray().Select(a => a.GetProperty("path").GetString()).ToList();
            Assert.Contains("/user/ops", paths);
            Assert.Contains("/user/coordinator", paths);
            Assert.Contains("/system/cluster", paths);
            using var log = await cluster.CliAsync("log", "tail", "--no-follow", "--last", "500", "--json");
            Assert.True(log.ExitCode == 0, log.Describe());
            var lines = log.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();
            Assert.Contains(lines, l => l.GetProperty("message").GetString()!.Contains($"127.0.0.1:{victim}", StringComparison.Ordinal)
                                        && l.GetProperty("message").GetString()!.Contains("remov", StringComparison.OrdinalIgnoreCase));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }
}
