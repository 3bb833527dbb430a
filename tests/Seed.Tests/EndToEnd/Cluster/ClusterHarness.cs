using Xunit;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>
/// A loopback cluster of real `qd3pm node` processes: one seed + coordinator node (management endpoint, journal) and
/// N simulator workers, with the fast failure detector of deploy/hocon/test.conf. Dispose kills every process.
/// </summary>
public sealed class ClusterHarness : IDisposable
{
    private readonly List<Qd3pmProcess> _all = [];

    public ClusterHarness(string journal, int workers)
    {
        Journal = journal;
        CoordinatorPort = FreePort.Get();
        ManagementPort = FreePort.Get();
        Coordinator = StartCoordinator(seeds: $"127.0.0.1:{CoordinatorPort}");
        for (int i = 0; i < workers; i++)
            StartWorker(FreePort.Get());
    }

    public string Journal { get; }
    public int CoordinatorPort { get; }
    public int ManagementPort { get; }
    public Qd3pmProcess Coordinator { get; private set; }
    public List<Qd3pmProcess> Workers { get; } = [];
    public List<int> WorkerPorts { get; } = [];
    public string ManagementAddress => $"127.0.0.1:{ManagementPort}";

    /// <summary>A small synthetic run: 4 samples x 2 parameter blocks per step, each item sleeping to imitate a circuit.</summary>
    public static TrainingSpec Spec(int steps, int delayMs, long seed = 11) => new()
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = $"synthetic:40:{delayMs}", Batch = 4, Steps = steps, Seed = seed,
        Gradient = GradientMethod.Shift, LearningRate = 0.05,
    };

    /// <summary>
    /// A small run with real circuits: the model-shaped 6-qubit circuit (2 layers, 66 parameters, 3 parameter-shift
    /// blocks), 4 samples per step, so floating-point results of actual simulations must agree bit for bit.
    /// </summary>
    public static TrainingSpec CircuitSpec(int steps, long seed = 11) => new()
    {
        Model = CircuitBenchmarkProblem.ModelName, Dataset = "circuit:6", Layers = 2, Batch = 4, Steps = steps, Seed = seed,
        Gradient = GradientMethod.Shift, LearningRate = 0.05,
    };

    public async Task WaitUntilUpAsync()
    {
        await Coordinator.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
        foreach (var w in Workers)
            await w.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
    }

    /// <summary>Starts one more simulator worker on <paramref name="port"/> (a new one, or the port of a killed worker).</summary>
    public Qd3pmProcess StartWorker(int port)
    {
        WorkerPorts.Add(port);
        var w = Track(Qd3pmProcess.Start($"worker{Workers.Count + 1}", "node", "--roles", "simulator", "--port", port.ToString(),
            "--seeds", $"127.0.0.1:{CoordinatorPort}", "--hocon", RepoPaths.TestHocon));
        Workers.Add(w);
        return w;
    }

    /// <summary>Starts (or restarts, with the given seeds) the coordinator process on its fixed ports.</summary>
    public Qd3pmProcess StartCoordinator(string seeds)
    {
        Coordinator = Track(Qd3pmProcess.Start("coordinator", "node", "--roles", "coordinator", "--port", CoordinatorPort.ToString(),
            "--seeds", seeds, "--journal", Journal, "--mgmt-port", ManagementPort.ToString(), "--hocon", RepoPaths.TestHocon));
        return Coordinator;
    }

    /// <summary>Final parameters of the same spec trained by the embedded runner (one process, same actors).</summary>
    public static async Task<double[]> EmbeddedParametersAsync(TrainingSpec spec, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("qd3pm-embedded-").FullName;
        try
        {
            var status = await new EmbeddedClusterRunner().RunAsync(spec, dir, null, ct);
            Assert.Equal(RunState.Completed, status.State);
            return status.Parameters.ToArray();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    public static void AssertBitIdentical(double[] expected, IEnumerable<double> actual) =>
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), actual.Select(BitConverter.DoubleToInt64Bits));

    public string Describe() => string.Join("\n", _all.Select(p => p.Describe()));

    private Qd3pmProcess Track(Qd3pmProcess p)
    {
        _all.Add(p);
        return p;
    }

    public void Dispose()
    {
        foreach (var p in _all)
            p.Dispose();
    }
}
