using System.Text.Json;
using Xunit;
using QD3PM.Seed.ModelFiles;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>
/// `qd3pm train` is one client whether the run lives in this process or on a cluster (issue 13, item 3): the same spec
/// trained embedded and on a coordinator + one simulator worker (SQLite journal, loopback) gives the same metrics.csv
/// (one row per step with its loss, KL rows at --eval-every and the end) and the same model parameters, bit for bit.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class TrainClientParityTests : IDisposable
{
    private const int Steps = 30;
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-parity-").FullName;

    private static string[] SpecArgs(string outDir) =>
    [
        "train", "--dataset", "bas:2x2", "--layers", "2", "--batch", "4", "--timesteps", "6", "--steps", Steps.ToString(),
        "--seed", "5", "--eval-every", "10", "--eval-samples", "200", "--out", outDir,
    ];

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    [Fact(Timeout = 150_000)]
    public async Task Embedded_and_cluster_train_write_the_same_metrics_and_model()
    {
        string embeddedDir = Path.Combine(_dir, "embedded"), clusterDir = Path.Combine(_dir, "cluster");
        using var embedded = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), SpecArgs(embeddedDir));
        Assert.True(embedded.ExitCode == 0, embedded.Describe());

        using var cluster = new ClusterHarness("sqlite:" + Path.Combine(_dir, "journal.db"), workers: 1);
        Qd3pmProcess? remote = null;
        double showKl;
        try
        {
            await cluster.WaitUntilUpAsync();
            remote = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), [.. SpecArgs(clusterDir), "--cluster", cluster.ManagementAddress]);
            Assert.True(remote.ExitCode == 0, remote.Describe() + "\n" + cluster.Describe());

            // `runs show` gives the KL of the model at the run's last step: the same evaluation as metrics.csv's last row.
            using var list = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "list", "--node", cluster.ManagementAddress, "--json");
            using var runs = JsonDocument.Parse(list.StandardOutput);
            string runId = runs.RootElement.GetProperty("runs")[0].GetProperty("runId").GetString()!;
            using var show = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "show", runId, "--node", cluster.ManagementAddress, "--json");
            Assert.True(show.ExitCode == 0, show.Describe());
            using var shown = JsonDocument.Parse(show.StandardOutput);
            showKl = shown.RootElement.GetProperty("run").GetProperty("kl").GetDouble();
        }
        finally
        {
            remote?.Dispose();
        }

        var expected = File.ReadAllLines(Path.Combine(embeddedDir, "metrics.csv"));
        var actual = File.ReadAllLines(Path.Combine(clusterDir, "metrics.csv"));
        Assert.Equal(MetricsLog.Header, expected[0]);
        Assert.Equal(Enumerable.Range(1, Steps).Select(s => s.ToString()), expected.Skip(1).Select(row => row.Split(',')[0]));
        var withKl = expected.Skip(1).Where(row => row.Split(',')[2].Length > 0).Select(row => row.Split(',')[0]);
        Assert.Equal(["10", "20", "30"], withKl);
        Assert.All(expected.Skip(1), row => Assert.True(double.IsFinite(double.Parse(row.Split(',')[1], System.Globalization.CultureInfo.InvariantCulture)), row));
        // Losses and KLs are written with "R": equal text is equal bits.
        Assert.Equal(expected, actual);
        Assert.Equal(double.Parse(actual[^1].Split(',')[2], System.Globalization.CultureInfo.InvariantCulture), showKl);

        var embeddedModel = ModelFile.Load(Path.Combine(embeddedDir, "model.json"));
        var clusterModel = ModelFile.Load(Path.Combine(clusterDir, "model.json"));
        Assert.Equal(Steps, clusterModel.Steps);
        ClusterHarness.AssertBitIdentical(embeddedModel.Parameters, clusterModel.Parameters);
    }
}
