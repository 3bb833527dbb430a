using System.Diagnostics;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// Issue 11.3, the local launcher: `deploy/local/cluster.sh up --tls --qpu` makes the certificates, starts every node
/// and the QPU emulator with them (the qpu-proxy reaches the emulator over https), a client with the printed client
/// identity trains on it, a plaintext client is refused with one line, and `down` stops everything.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class DeployLocalTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-local-tls-").FullName;

    private string State => Path.Combine(_dir, "state");

    public void Dispose()
    {
        // Whatever happened, stop the processes whose pid files this test's script wrote.
        Script(TimeSpan.FromSeconds(60), "down");
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact(Timeout = 180_000)]
    public async Task Up_with_tls_trains_with_the_client_certificate_and_refuses_plaintext()
    {
        // The seed, one worker and the qpu-proxy number their cluster ports upward from --cluster-port.
        int clusterPort = FreePort.Range(3), mgmt = FreePort.Get(), qpuPort = FreePort.Get();
        var up = Script(TimeSpan.FromSeconds(120), "up", "--tls", "--workers", "1", "--qpu", "--cluster-port", clusterPort.ToString(),
            "--mgmt-port", mgmt.ToString(), "--qpu-port", qpuPort.ToString());
        Assert.True(up.ExitCode == 0, up.Output);
        var client = Path.Combine(State, "certs", CertificateFiles.ClientDirectory);
        Assert.Contains("QD3PM_CERTS=" + client, up.Output);
        foreach (var name in new[] { "seed", "worker1", "qpu-proxy" })
            Assert.Contains("node up: akka.ssl.tcp://", await File.ReadAllTextAsync(Path.Combine(State, name + ".log")));
        Assert.Contains($"https://127.0.0.1:{qpuPort}", await File.ReadAllTextAsync(Path.Combine(State, "qpu-proxy.log")));

        using (var train = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(100), "train", "--cluster", $"127.0.0.1:{mgmt}", "--certs", client,
                   "--dataset", "bas:2x2", "--steps", "8", "--layers", "2", "--eval-samples", "500", "--backend-policy", "sim-only",
                   "--out", Path.Combine(_dir, "model")))
            Assert.True(train.ExitCode == 0, train.Describe());
        using (var plain = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "show", "--node", $"127.0.0.1:{mgmt}"))
            CliAssert.OneErrorLine(plain, "requires TLS", ClusterCertificateException.ExitCode);

        var status = Script(TimeSpan.FromSeconds(30), "status");
        Assert.True(status.ExitCode == 0, status.Output);
        Assert.Contains($"127.0.0.1:{clusterPort}", status.Output); // cluster show, called with the client certificate
        var down = Script(TimeSpan.FromSeconds(90), "down");
        Assert.True(down.ExitCode == 0, down.Output);
    }

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
        info.Environment.Remove(CertificateFiles.EnvironmentVariable);
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
}
