using QD3PM.Nodes.Security;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// Issue 11.3 on loopback: a cluster started with `certs create` output trains bit-identically over mutual TLS; a node
/// with a certificate of another CA, or with none, never joins and gets no work; a plaintext client and a client of
/// another CA are refused with one line (exit 5); a node bound off loopback without certificates refuses to start
/// and writes no journal.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TlsClusterTests
{
    [Fact(Timeout = 150_000)]
    public async Task Only_nodes_and_clients_of_the_cluster_CA_get_in()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(140));
        var dir = Directory.CreateTempSubdirectory("qd3pm-tls-").FullName;
        var processes = new List<Qd3pmProcess>();
        try
        {
            var certs = Path.Combine(dir, "certs");
            var other = Path.Combine(dir, "other");
            using (var create = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "certs", "create", "--out", certs, "--hosts", "127.0.0.1,worker"))
                Assert.True(create.ExitCode == 0, create.Describe());
            using (var create = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "certs", "create", "--out", other, "--hosts", "127.0.0.1"))
                Assert.True(create.ExitCode == 0, create.Describe());

            var spec = ClusterHarness.Spec(steps: 8, delayMs: 20, seed: 31);
            var expected = await ClusterHarness.EmbeddedParametersAsync(spec, cts.Token);
            int port = FreePort.Get(), mgmt = FreePort.Get();
            var seeds = $"127.0.0.1:{port}";
            Qd3pmProcess Node(string name, string roles, string? identity, params string[] more)
            {
                var args = new List<string> { "node", "--roles", roles, "--seeds", seeds, "--hocon", RepoPaths.TestHocon };
                if (identity is not null) args.AddRange(["--certs", identity]);
                args.AddRange(more);
                var p = Qd3pmProcess.Start(name, [.. args]);
                processes.Add(p);
                return p;
            }
            var coordinator = Node("coordinator", "coordinator", Path.Combine(certs, "127.0.0.1"), "--port", port.ToString(),
                "--journal", "sqlite:" + Path.Combine(dir, "journal.db"), "--mgmt-port", mgmt.ToString());
            await coordinator.WaitForOutputAsync("node up: akka.ssl.tcp://", TimeSpan.FromSeconds(40));
            var workerPort = FreePort.Get();
            var worker = Node("worker", "simulator", Path.Combine(certs, "worker"), "--port", workerPort.ToString());
            var intruder = Node("intruder", "simulator", Path.Combine(other, "127.0.0.1"), "--port", FreePort.Get().ToString(), "--join-timeout", "20");
            var plain = Node("plain", "simulator", null, "--port", FreePort.Get().ToString(), "--join-timeout", "20");
            await worker.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));

            using var client = new GrpcRunClient($"127.0.0.1:{mgmt}", ClusterCredentials.Load(Path.Combine(certs, "client"), CertificateUsage.Client));
            var runId = await client.SubmitAsync(spec, null, cts.Token);
            var final = await client.FollowAsync(runId, null, cts.Token);
            Assert.Equal(RunState.Completed, final.State);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
            var workers = await client.ListWorkersAsync(cts.Token);
            var only = Assert.Single(workers.Workers); // the intruders got no work item
            Assert.EndsWith(":" + workerPort, only.Node, StringComparison.Ordinal);
            Assert.True(only.ItemsDone > 0);

            var at = $"127.0.0.1:{mgmt}";
            using (var show = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "show", "--node", at, "--certs", Path.Combine(certs, "client"), "--json"))
            {
                Assert.True(show.ExitCode == 0, show.Describe());
                using var json = System.Text.Json.JsonDocument.Parse(show.StandardOutput);
                var addresses = json.RootElement.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("address").GetString()).ToList();
                Assert.Equal(new[] { $"akka.ssl.tcp://qd3pm@127.0.0.1:{port}", $"akka.ssl.tcp://qd3pm@127.0.0.1:{workerPort}" }.Order(), addresses.Order());
            }
            using (var plaintext = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "show", "--node", at))
                CliAssert.OneErrorLine(plaintext, "requires TLS", ClusterCertificateException.ExitCode);
            using (var wrongCa = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "list", "--node", at, "--certs", Path.Combine(other, "client")))
                CliAssert.OneErrorLine(wrongCa, "not issued by the cluster CA", ClusterCertificateException.ExitCode);

            // The intruders never joined: they give up with the join error, and nobody ever listed them.
            foreach (var outsider in new[] { intruder, plain })
            {
                Assert.True(await outsider.WaitForExitAsync(TimeSpan.FromSeconds(40)), outsider.Describe());
                Assert.True(outsider.ExitCode == 3, outsider.Describe());
                Assert.DoesNotContain("node up", outsider.StandardOutput, StringComparison.Ordinal);
            }
            // Either side may refuse first (the intruder the node's certificate, or the node the intruder's), and says so.
            Assert.Contains("TLS: refused cluster peer", string.Concat(processes.Select(x => x.StandardOutput + x.StandardError)), StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + string.Join("\n", processes.Select(p => p.Describe())));
        }
        finally
        {
            foreach (var p in processes)
                p.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    [Fact(Timeout = 60_000)]
    public async Task A_node_off_loopback_without_certificates_refuses_to_start_and_writes_nothing()
    {
        var dir = Directory.CreateTempSubdirectory("qd3pm-tls-").FullName;
        try
        {
            var journal = Path.Combine(dir, "journal.db");
            // 192.0.2.1 (documentation range) is never bound: the node stops at the check, before any socket.
            using (var node = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "node", "--host", "192.0.2.1", "--journal", "sqlite:" + journal))
                CliAssert.OneErrorLine(node, "--host 192.0.2.1 is not a loopback address", ClusterCertificateException.ExitCode);
            Assert.False(File.Exists(journal), "a node that refused to start created its journal");

            using (var missing = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "node", "--certs", Path.Combine(dir, "none"), "--journal", "sqlite:" + journal))
                CliAssert.OneErrorLine(missing, Path.Combine(dir, "none") + ": missing", ClusterCertificateException.ExitCode);
            var certs = Path.Combine(dir, "certs");
            using (var create = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "certs", "create", "--out", certs, "--hosts", "127.0.0.1", "--days", "1"))
                Assert.True(create.ExitCode == 0, create.Describe());
            var key = Path.Combine(certs, "127.0.0.1", CertificateFiles.Key);
            File.WriteAllText(key, "garbage");
            using (var unreadable = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "node", "--certs", Path.Combine(certs, "127.0.0.1"), "--journal", "sqlite:" + journal))
                CliAssert.OneErrorLine(unreadable, key + ": unreadable", ClusterCertificateException.ExitCode);
            Assert.False(File.Exists(journal), "a node that refused to start created its journal");
        }
        finally
        {
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
