using Xunit;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Tests.EndToEnd.Cluster;

/// <summary>
/// The one loopback cluster of the end-to-end tests: real `qd3pm node` processes, a seed + coordinator node (management
/// endpoint, journal) and any number of workers, with the fast failure detector of deploy/hocon/test.conf plus any
/// extra HOCON files. OpsCluster and QpuCluster build on it. Dispose kills every process it started or adopted.
/// </summary>
public sealed class ClusterHarness : IDisposable
{
    private readonly List<Qd3pmProcess> _all = [];
    private readonly string[] _hocon;
    private readonly string _coordinatorRoles;

    /// <param name="journal">The coordinator's --journal.</param>
    /// <param name="workers">Simulator workers started at once.</param>
    /// <param name="coordinatorRoles">The coordinator node's --roles (e.g. "coordinator,simulator").</param>
    /// <param name="hocon">HOCON files after test.conf (later ones win).</param>
    /// <param name="startCoordinator">False: the caller starts it later (<see cref="StartCoordinator"/>).</param>
    public ClusterHarness(string journal, int workers, string coordinatorRoles = "coordinator", IEnumerable<string>? hocon = null,
        bool startCoordinator = true)
    {
        Journal = journal;
        _coordinatorRoles = coordinatorRoles;
        _hocon = [RepoPaths.TestHocon, .. hocon ?? []];
        CoordinatorPort = FreePort.Get();
        ManagementPort = FreePort.Get();
        if (startCoordinator)
            StartCoordinator(seeds: SelfSeed);
        for (int i = 0; i < workers; i++)
            StartWorker(FreePort.Get());
    }

    public string Journal { get; }
    public int CoordinatorPort { get; }
    public int ManagementPort { get; }
    public Qd3pmProcess Coordinator { get; private set; } = null!;
    public List<Qd3pmProcess> Workers { get; } = [];
    public List<int> WorkerPorts { get; } = [];
    public string ManagementAddress => $"127.0.0.1:{ManagementPort}";

    /// <summary>The coordinator's own address: its seed list, and every worker's.</summary>
    public string SelfSeed => $"127.0.0.1:{CoordinatorPort}";

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

    /// <summary>
    /// Starts one more worker on <paramref name="port"/> (a new one, or the port of a killed worker): a simulator, or
    /// the given roles with extra arguments (e.g. a qpu-proxy with --qpu URL).
    /// </summary>
    public Qd3pmProcess StartWorker(int port, string roles = "simulator", params string[] extra)
    {
        WorkerPorts.Add(port);
        var name = (roles == "simulator" ? "worker" : roles) + (Workers.Count + 1);
        var w = Adopt(Qd3pmProcess.Start(name, ["node", "--roles", roles, "--port", port.ToString(), "--seeds", SelfSeed, .. HoconArgs, .. extra]));
        Workers.Add(w);
        return w;
    }

    /// <summary>Starts (or restarts, with the given seeds) the coordinator process on its fixed ports.</summary>
    public Qd3pmProcess StartCoordinator(string seeds)
    {
        Coordinator = Adopt(Qd3pmProcess.Start("coordinator", ["node", "--roles", _coordinatorRoles, "--port", CoordinatorPort.ToString(),
            "--seeds", seeds, "--journal", Journal, "--mgmt-port", ManagementPort.ToString(), .. HoconArgs]));
        return Coordinator;
    }

    private IEnumerable<string> HoconArgs => ["--hocon", .. _hocon];

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

    /// <summary>Makes Dispose end <paramref name="p"/> too (another process of the test, e.g. a QPU emulator).</summary>
    public Qd3pmProcess Adopt(Qd3pmProcess p)
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
