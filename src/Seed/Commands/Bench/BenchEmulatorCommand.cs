using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using QD3PM.Core.Simulation;
using QD3PM.Core.Training;
using QD3PM.Nodes.Qpu.Emulator;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Protocol.Qpu;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// `qd3pm bench emulator`: how many of the model's circuits the QPU emulator executes per second with no emulated
/// latency (queue 0 ms, 0 us per shot), in process and through its gRPC service, and how its resident memory behaves
/// over many jobs (results leave memory once fetched or after the retention time; the ledger keeps the rest).
/// The circuits are the shot plan of BAS 2x2 single-step, L=3 (five qubits), transpiled to the emulator's basis.
/// </summary>
public sealed class BenchEmulatorCommand : ISubcommandFactory
{

    public Command Create()
    {
        var jobs = new Option<int>("--jobs") { Description = "Jobs to run.", DefaultValueFactory = _ => 40 };
        var circuits = new Option<int>("--circuits-per-job") { Description = "Circuits per job.", DefaultValueFactory = _ => 300 };
        var shots = new Option<int>("--shots") { Description = "Shots per circuit.", DefaultValueFactory = _ => 1000 };
        var grpc = new Option<bool>("--grpc") { Description = "Also run the jobs through the gRPC service (submit, watch, fetch)." };
        var memoryEvery = new Option<int>("--memory-every") { Description = "Report resident memory every this many jobs (0: only at the end).", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("emulator", "Circuits per second of the QPU emulator with zero emulated latency (in process and over gRPC), and its resident memory over many jobs.")
        {
            jobs, circuits, shots, grpc, memoryEvery, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            int jobCount = parse.GetValue(jobs), perJob = parse.GetValue(circuits), shotCount = parse.GetValue(shots);
            if (jobCount < 1 || perJob < 1 || shotCount < 1)
                throw new CliException("--jobs, --circuits-per-job and --shots must be at least 1");
            var log = parse.GetValue(json) ? TextWriter.Null : Console.Error;
            var dir = Directory.CreateTempSubdirectory("qd3pm-bench-emulator-").FullName;
            try
            {
                var options = new QpuEmulatorOptions
                {
                    Port = FreePort.Get(), QueueMs = 0, ShotMicroseconds = 0, LedgerPath = Path.Combine(dir, "ledger.db"),
                    MaxCircuitsPerJob = Math.Max(perJob, new QpuEmulatorOptions().MaxCircuitsPerJob),
                };
                var qasm = ModelCircuits(options, perJob);
                var result = new Dictionary<string, object>
                {
                    ["circuit"] = "bas:2x2 single-step L=3 shot plan, 5 qubits, transpiled",
                    ["jobs"] = jobCount, ["circuits_per_job"] = perJob, ["shots"] = shotCount,
                    ["noise"] = $"depolarizing {options.Noise.Depolarizing}, readout {options.Noise.ReadoutError}",
                    ["processors"] = Environment.ProcessorCount,
                    ["load_average"] = LoadAverage(),
                };
                var (parseUs, simulateUs, densityUs) = PerCircuit(options, qasm, shotCount);
                result["parse_us_per_circuit"] = parseUs;
                result["simulate_and_sample_us_per_circuit"] = simulateUs;
                // the emulator's previous path, in the same run: density matrix, then readout flips and a key per shot
                result["density_matrix_per_shot_us_per_circuit"] = densityUs;
                result["simulate_speedup_over_density_matrix"] = Math.Round(densityUs / simulateUs, 1);
                using (var emulator = new QpuEmulator(options))
                {
                    var (seconds, memory) = await InProcess(emulator, qasm, jobCount, shotCount, parse.GetValue(memoryEvery), log, ct);
                    result["in_process_circuits_per_second"] = Math.Round(jobCount * (double)perJob / seconds, 0);
                    result["resident_mib"] = memory;
                }
                if (parse.GetValue(grpc))
                {
                    var grpcOptions = options with { LedgerPath = Path.Combine(dir, "ledger-grpc.db") };
                    await using var host = await QpuEmulatorHost.StartAsync(grpcOptions, ct: ct);
                    await OverGrpc(grpcOptions, qasm, Math.Min(jobCount, 8), shotCount, "bench-grpc-warm-up", ct); // Kestrel's and the client's JIT
                    var seconds = await OverGrpc(grpcOptions, qasm, jobCount, shotCount, "bench-grpc", ct);
                    result["grpc_circuits_per_second"] = Math.Round(jobCount * (double)perJob / seconds, 0);
                }
                JsonStdout.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !parse.GetValue(json) }));
                return 0;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
        });
        return command;
    }

    /// <summary><paramref name="count"/> distinct circuits of the model's shot plans (several samples), as the proxy would send them.</summary>
    private static List<string> ModelCircuits(QpuEmulatorOptions options, int count)
    {
        var spec = new TrainingSpec { Dataset = "bas:2x2", Mode = DiffusionMode.SingleStep, Layers = 3, Batch = 1, Steps = 1 };
        var problem = (QD3PMProblem)ProblemCatalog.Paper.Build(spec);
        var export = new BackendQasm(new Backend { NumQubits = options.Qubits, BasisGates = { options.BasisGates } });
        var parameters = problem.InitialState().Parameters;
        var qasm = new List<string>(count);
        for (int sample = 0; qasm.Count < count; sample++)
        {
            var plan = problem.PlanShots(parameters, 0, sample, ParameterRange.All(problem.ParameterCount));
            foreach (var c in plan.BaseCircuits.Concat(plan.ShiftedCircuits))
            {
                if (qasm.Count == count) break;
                qasm.Add(export.Export(c));
            }
        }
        return qasm;
    }

    private static async Task<(double Seconds, List<double> ResidentMib)> InProcess(QpuEmulator emulator, List<string> qasm, int jobs, int shots,
        int memoryEvery, TextWriter log, CancellationToken ct)
    {
        var memory = new List<double>();
        // Untimed jobs first, so the figure is the steady rate (the emulator parses every job's circuits anew).
        await WarmUpJobs(emulator, qasm, shots, ct);
        var watch = Stopwatch.StartNew();
        // Keep a window of jobs in flight (the device runs one at a time; the queue never runs dry).
        var window = new Queue<string>();
        for (int j = 0; j < jobs; j++)
        {
            window.Enqueue(emulator.Submit(Job($"bench/{j}", qasm, shots)).JobId);
            if (window.Count >= 8)
                await Finish(emulator, window.Dequeue(), ct);
            if (memoryEvery > 0 && (j + 1) % memoryEvery == 0)
            {
                memory.Add(ResidentMib());
                log.WriteLine($"  {j + 1} jobs: {memory[^1]:F0} MiB resident, {watch.Elapsed.TotalSeconds:F1} s");
            }
        }
        while (window.Count > 0)
            await Finish(emulator, window.Dequeue(), ct);
        var seconds = watch.Elapsed.TotalSeconds;
        memory.Add(ResidentMib());
        return (seconds, memory);
    }

    /// <summary>One benchmark job: all the benchmark's circuits under the given idempotency key.</summary>
    private static SubmitJobRequest Job(string key, List<string> qasm, int shots)
    {
        var request = new SubmitJobRequest { IdempotencyKey = key, Shots = shots, Client = "bench" };
        request.Circuits.AddRange(qasm);
        return request;
    }

    /// <summary>Runs jobs of the benchmark's circuits, one at a time, for <see cref="WarmUp"/> (at least one job).</summary>
    private static async Task WarmUpJobs(QpuEmulator emulator, List<string> qasm, int shots, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        for (int j = 0; j == 0 || watch.Elapsed < WarmUp; j++)
        {
            await Finish(emulator, emulator.Submit(Job($"bench-warm-up/{j}", qasm, shots)).JobId, ct);
        }
    }

    /// <summary>Waits for a job and fetches its results once (what a client does; fetched results leave memory).</summary>
    private static async Task Finish(QpuEmulator emulator, string jobId, CancellationToken ct)
    {
        await foreach (var e in emulator.Watch(jobId, ct))
            if (e.State is JobState.Done or JobState.Failed or JobState.Cancelled) break;
        var job = emulator.Get(jobId);
        if (job.State != JobState.Done)
            throw new CliException($"benchmark job {jobId} ended {job.State}: {job.Message}");
    }

    private static async Task<double> OverGrpc(QpuEmulatorOptions options, List<string> qasm, int jobs, int shots, string keyPrefix, CancellationToken ct)
    {
        using var client = new QpuClient(new QpuProxyOptions { Url = new Uri($"http://127.0.0.1:{options.Port}") });
        var watch = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, jobs), new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = ct }, async (j, token) =>
        {
            var reply = await client.SubmitAsync(Job($"{keyPrefix}/{j}", qasm, shots), token);
            JobEvent? last;
            do last = await client.WatchUntilTerminalAsync(reply.JobId, token);
            while (last is not null && !QpuClient.IsTerminal(last.State));
            var job = await client.GetJobAsync(reply.JobId, token);
            if (job.State != JobState.Done || job.Results.Count != qasm.Count)
                throw new CliException($"benchmark job {reply.JobId} ended {job.State} with {job.Results.Count} results");
        });
        return watch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Single-threaded microseconds per circuit, once the JIT has compiled the code for good: parsing the OpenQASM, and
    /// simulating it and drawing the shots (and the previous density-matrix path, for the speed-up).
    /// </summary>
    private static (double Parse, double Simulate, double DensityMatrix) PerCircuit(QpuEmulatorOptions options, List<string> qasm, int shots)
    {
        var import = new Core.Qasm.QasmImportOptions { MaxQubits = options.Qubits };
        var parsed = qasm.Select(q => Core.Qasm.QasmImporter.Parse(q, import)).ToList();
        double parse = SteadyMicroseconds(() => { foreach (var q in qasm) Core.Qasm.QasmImporter.Parse(q, import); }, qasm.Count);
        var rng = new Random(1);
        double simulate = SteadyMicroseconds(() => { foreach (var c in parsed) OutcomeSampler.Sample(c, options.Noise, shots, rng); }, parsed.Count);
        var sample = parsed.Take(Math.Min(parsed.Count, 30)).ToList();
        double density = SteadyMicroseconds(() => { foreach (var c in sample) NoisySimulator.SampleCounts(c, options.Noise, shots, rng); }, sample.Count);
        return (Math.Round(parse, 1), Math.Round(simulate, 1), Math.Round(density, 1));
    }

    /// <summary>
    /// Microseconds per item of <paramref name="round"/> (which handles <paramref name="items"/> items) at steady state:
    /// rounds are run untimed for <see cref="WarmUp"/> first (tiered compilation moves a method to optimised code only
    /// after 30 calls and a background delay: a first measured round of 300 circuits was 4x slower than the fifth), then
    /// the fastest of three timed rounds.
    /// </summary>
    private static double SteadyMicroseconds(Action round, int items)
    {
        var watch = Stopwatch.StartNew();
        int warm = 0;
        while (warm < 3 || watch.Elapsed < WarmUp)
        {
            round();
            warm++;
        }
        double best = double.MaxValue;
        for (int i = 0; i < 3; i++)
        {
            watch.Restart();
            round();
            best = Math.Min(best, watch.Elapsed.TotalMicroseconds / items);
        }
        return best;
    }

    /// <summary>Untimed running before a figure is taken (see <see cref="SteadyMicroseconds"/>).</summary>
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1.5);

    private static double ResidentMib()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return Math.Round(self.WorkingSet64 / (1024.0 * 1024.0), 1);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
