using System.Diagnostics;
using System.Net.Sockets;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>
/// Issue 7: `deploy/local/cluster.sh up --qpu` (seed + coordinator, two simulators, the QPU emulator and a qpu-proxy),
/// then `qd3pm train --cluster`, then `down`, and Prometheus metrics on the way.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeployLocalTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-local-").FullName;

    public void Dispose()
    {
        // Whatever happened, leave no node behind (only the processes whose pid files this test's script wrote).
        Script(TimeSpan.FromSeconds(60), "down");
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private string State => Path.Combine(_dir, "state");

    private (int ExitCode, string Output) Script(TimeSpan timeout, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "deploy", "local", "cluster.sh"));
        foreach (var a in args)
            info.ArgumentList.Add(a);
        info.ArgumentList.Add("--state");
        info.ArgumentList.Add(State);
        info.Environment["QD3PM"] = $"dotnet {RepoPaths.Qd3pmDll}";
        info.Environment[Qd3pmProcess.NoDiagnosticsVariable] = "0";
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit((int)timeout.TotalMilliseconds))
        {
            p.Kill(true);
            return (-1, "timed out\n" + stdout.Result + stderr.Result);
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    /// <summary>A free port whose next <paramref name="count"/> - 1 neighbours are free too (the script numbers workers upward).</summary>
    private static int FreeRange(int count)
    {
        for (int attempt = 0; attempt < 50; attempt++)
        {
            var start = FreePort.Get();
            if (start + count > 65535)
                continue;
            if (Enumerable.Range(start + 1, count - 1).All(IsFree))
                return start;
        }
        throw new InvalidOperationException("no free port range");
    }

    private static bool IsFree(int port)
    {
        try
        {
            var l = new TcpListener(System.Net.IPAddress.Loopback, port);
            l.Start();
            l.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact(Timeout = 150_000)]
    public async Task Up_train_on_the_cluster_then_down()
    {
        Assert.True(File.Exists(Path.Combine(RepoPaths.Root, "deploy", "local", "cluster.sh")));
        int clusterPort = FreeRange(4), mgmt = FreePort.Get(), metrics = FreeRange(4), qpuPort = FreePort.Get();
        var up = Script(TimeSpan.FromSeconds(100), "up", "--workers", "2", "--cluster-port", clusterPort.ToString(), "--mgmt-port", mgmt.ToString(),
            "--metrics-port", metrics.ToString(), "--qpu", "--qpu-port", qpuPort.ToString());
        Assert.True(up.ExitCode == 0, up.Output);
        Assert.Contains("cluster up: 5 processes", up.Output);
        Assert.Contains("qpu emulator listening", await File.ReadAllTextAsync(Path.Combine(State, "qpu.log")));
        foreach (var name in new[] { "seed", "worker1", "worker2", "qpu-proxy" })
        {
            Assert.True(File.Exists(Path.Combine(State, name + ".pid")), name + ".pid");
            Assert.Contains("node up", await File.ReadAllTextAsync(Path.Combine(State, name + ".log")));
        }

        var status = Script(TimeSpan.FromSeconds(30), "status");
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains("worker2", status.Output);
        Assert.Contains($"127.0.0.1:{clusterPort + 2}", status.Output); // cluster show lists the second worker
        Assert.Contains("qpu-proxy", status.Output);

        var outDir = Path.Combine(_dir, "model");
        using (var train = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(90), "train", "--cluster", $"127.0.0.1:{mgmt}", "--dataset", "bas:2x2",
                   "--steps", "12", "--layers", "2", "--eval-samples", "1000", "--out", outDir,
                   "--backend-policy", "sim-only")) // the emulated QPU's queue latency would make this test slow
        {
            Assert.True(train.ExitCode == 0, train.Describe());
            Assert.True(File.Exists(Path.Combine(outDir, "model.json")), train.Describe());
        }

        // Prometheus text: the coordinator counted the steps, the workers their circuits.
        using (var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) })
        {
            var seedMetrics = await http.GetStringAsync($"http://127.0.0.1:{metrics}/metrics");
            Assert.Matches(@"qd3pm_steps_total\{[^}]*\} 12\b", seedMetrics);
            Assert.Contains("qd3pm_journal_write_seconds_count", seedMetrics);
            Assert.Contains("qd3pm_queue_wait_seconds_bucket", seedMetrics);
            long circuits = 0;
            foreach (var port in new[] { metrics + 1, metrics + 2 })
            {
                var text = await http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("qd3pm_circuit_evaluations_total", StringComparison.Ordinal));
                if (line is not null)
                    circuits += long.Parse(line[(line.LastIndexOf(' ') + 1)..]);
            }
            Assert.True(circuits > 0, "workers export their circuit evaluations");
        }

        var pids = new[] { "seed", "worker1", "worker2", "qpu", "qpu-proxy" }.Select(n => int.Parse(File.ReadAllText(Path.Combine(State, n + ".pid")).Trim())).ToList();
        var down = Script(TimeSpan.FromSeconds(90), "down");
        Assert.True(down.ExitCode == 0, down.Output);
        Assert.Contains("cluster down", down.Output);
        foreach (var pid in pids)
            Assert.True(!IsRunning(pid), $"process {pid} still runs after down");
        var after = Script(TimeSpan.FromSeconds(30), "status");
        Assert.NotEqual(0, after.ExitCode);
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
