using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using QD3PM.Nodes.Qpu.Emulator;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// `qd3pm bench estimators`: shots-to-target curves of the hardware gradient estimators (docs/qpu.md). For every
/// estimator and seed, a qpu-only run against a fresh in-process emulator (its default noise, no emulated latency,
/// items packed to its max circuits per job) is followed step by step; the exact KL of the model is evaluated along the
/// way and the run stops at the first evaluation with KL at or below the target. Shots, jobs and cost until then come
/// from the emulator's ledger (jobs of the steps before it). Writes curves.csv (cumulative shots and KL per evaluation)
/// and summary.json into --out and prints a table.
/// </summary>
public sealed class BenchEstimatorsCommand : ISubcommandFactory
{

    public Command Create()
    {
        var estimators = new Option<string>("--estimators")
        {
            Description = "Comma-separated METHOD:SHOTS[:LR[:STEPS[:BATCH]]] (method shift, spsa or shift-subset; SHOTS a count or FIRST-LAST, a geometric shot schedule as train --shots FIRST --final-shots LAST).",
            DefaultValueFactory = _ => "shift:1000:0.05:200,spsa:25:0.01:6000:32,shift-subset:25:0.01:800:32",
        };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds (the same for every estimator).", DefaultValueFactory = _ => "1,2,3" };
        var dataset = new Option<string>("--dataset") { Description = "Data set.", DefaultValueFactory = _ => "bas:2x2" };
        var layers = new Option<int>("--layers") { Description = "Circuit layers.", DefaultValueFactory = _ => 3 };
        var batch = new Option<int>("--batch") { Description = "Samples per step of the estimators that name no BATCH.", DefaultValueFactory = _ => 8 };
        var target = new Option<double>("--target-kl") { Description = "Stop at the first evaluation with exact KL at or below this.", DefaultValueFactory = _ => 0.3 };
        var evaluations = new Option<int>("--evaluations") { Description = "KL evaluations over the most steps of an estimator.", DefaultValueFactory = _ => 100 };
        var spsaC = new Option<double?>("--spsa-c") { Description = $"SPSA perturbation in radians for the spsa runs (default {SpsaEstimator.DefaultPerturbation})." };
        var outDir = new Option<string>("--out") { Description = "Directory for curves.csv and summary.json.", DefaultValueFactory = _ => "reports/estimators" };
        var command = new Command("estimators", "Shots, jobs and cost until a target KL for each hardware gradient estimator on the emulator (single-step training, qpu-only).")
        {
            estimators, seeds, dataset, layers, batch, target, evaluations, spsaC, outDir,
        };
        command.SetAction(async (parse, ct) =>
        {
            var configs = ParseConfigs(parse.GetValue(estimators)!);
            var seedList = parse.GetValue(seeds)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => long.TryParse(s, out var v) ? v : throw new CliException($"--seeds: '{s}' is not a number")).ToList();
            string dir = parse.GetValue(outDir)!;
            Directory.CreateDirectory(dir);
            var curves = new StringBuilder("estimator,shots_per_circuit,batch,learning_rate,seed,step,cumulative_shots,cumulative_jobs,cumulative_cost,exact_kl\n");
            var summary = new List<Dictionary<string, object>>();
            foreach (var config in configs)
            {
                foreach (var seed in seedList)
                {
                    var spec = new TrainingSpec
                    {
                        Dataset = parse.GetValue(dataset)!, Mode = DiffusionMode.SingleStep, Layers = parse.GetValue(layers), Batch = config.Batch ?? parse.GetValue(batch),
                        Steps = config.Steps, LearningRate = config.Lr, FinalLearningRate = config.Lr / 10, Seed = seed, Gradient = config.Method,
                        Shots = config.Shots, FinalShots = config.FinalShots, BackendPolicy = BackendPolicy.QpuOnly,
                        JobCircuits = new QpuEmulatorOptions().MaxCircuitsPerJob,
                        SpsaPerturbation = config.Method == GradientMethod.Spsa ? parse.GetValue(spsaC) : null,
                    };
                    var row = await RunOne(spec, config.Name, config.ShotsLabel, parse.GetValue(target), Math.Max(1, config.Steps / parse.GetValue(evaluations)), curves, ct);
                    summary.Add(row);
                    Console.Error.WriteLine($"{config.Name} shots {config.ShotsLabel} seed {seed}: " + string.Join(", ", row.Select(kv => $"{kv.Key} {kv.Value}")));
                }
            }
            await File.WriteAllTextAsync(Path.Combine(dir, "curves.csv"), curves.ToString(), ct);
            await File.WriteAllTextAsync(Path.Combine(dir, "summary.json"), JsonSerializer.Serialize(summary, new JsonSerializerOptions { WriteIndented = true }), ct);
            Console.WriteLine("| estimator | shots/circuit | batch | lr | seed | steps to target | KL there | shots | jobs | cost |");
            Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var r in summary)
                Console.WriteLine($"| {r["estimator"]} | {r["shots_per_circuit"]} | {r["batch"]} | {r["learning_rate"]} | {r["seed"]} | {r["steps_to_target"]} | {r["kl"]} | {r["shots"]} | {r["jobs"]} | {r["cost"]} |");
            return 0;
        });
        return command;
    }

    private sealed record Config(string Name, GradientMethod Method, int Shots, int? FinalShots, double Lr, int Steps, int? Batch)
    {
        public string ShotsLabel => FinalShots is { } last ? $"{Shots}-{last}" : Shots.ToString(CultureInfo.InvariantCulture);
    }

    private static List<Config> ParseConfigs(string text)
    {
        var configs = new List<Config>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var f = part.Split(':');
            var method = f[0] switch
            {
                "shift" => GradientMethod.Shift,
                "spsa" => GradientMethod.Spsa,
                "shift-subset" => GradientMethod.ShiftSubset,
                _ => throw new CliException($"--estimators: unknown method '{f[0]}' (shift, spsa, shift-subset)"),
            };
            var range = f.Length < 2 ? [] : f[1].Split('-');
            if (range.Length is < 1 or > 2 || !int.TryParse(range[0], out int shots) || shots < 1)
                throw new CliException($"--estimators: '{part}' needs METHOD:SHOTS with SHOTS at least 1 (or FIRST-LAST)");
            int? finalShots = null;
            if (range.Length == 2)
                finalShots = int.TryParse(range[1], out int last) && last >= 1 ? last : throw new CliException($"--estimators: '{part}': LAST shots must be at least 1");
            double lr = f.Length > 2 ? Number(f[2], part, "LR") : 0.05;
            int steps = f.Length > 3 ? (int)Number(f[3], part, "STEPS") : 500;
            int? batch = f.Length > 4 ? (int)Number(f[4], part, "BATCH") : null;
            if (f.Length > 5) throw new CliException($"--estimators: '{part}' has more than METHOD:SHOTS:LR:STEPS:BATCH");
            configs.Add(new Config(f[0], method, shots, finalShots, lr, steps, batch));
        }
        return configs;
    }

    private static double Number(string text, string part, string what) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0
            ? v : throw new CliException($"--estimators: '{part}': {what} must be a positive number, not '{text}'");

    private static async Task<Dictionary<string, object>> RunOne(TrainingSpec spec, string name, string shotsLabel, double targetKl, int evalEvery, StringBuilder curves,
        CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("qd3pm-bench-estimators-").FullName;
        try
        {
            var options = new QpuEmulatorOptions { Port = FreePort.Get(), QueueMs = 0, ShotMicroseconds = 0, LedgerPath = Path.Combine(dir, "ledger.db") };
            var data = DataSets.Parse(spec.Dataset, (int)spec.Seed);
            long reached = -1;
            double klThere = double.NaN;
            var evaluated = new List<(long Step, double Kl)>();
            await using (var emulator = await QpuEmulatorHost.StartAsync(options, ct: ct))
            {
                using var proxy = new QpuProxyExecutor(new QpuProxyOptions { Url = new Uri($"http://127.0.0.1:{options.Port}"), Log = _ => { } });
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                long lastEvaluated = -evalEvery;
                try
                {
                    await new EmbeddedClusterRunner().RunAsync(spec, Path.Combine(dir, "run"), status =>
                    {
                        if (reached >= 0 || status.Parameters.Count == 0 || status.Step - lastEvaluated < evalEvery && status.Step < spec.Steps) return;
                        lastEvaluated = status.Step;
                        var exact = TrainedModelFactory.Create(spec, status.Parameters.ToArray()).ExactDistribution()!;
                        double kl = Divergence.Kl(data.TargetDistribution, exact);
                        evaluated.Add((status.Step, kl));
                        Console.Error.WriteLine(FormattableString.Invariant($"{name} shots {shotsLabel} seed {spec.Seed}: step {status.Step} KL {kl:F4}"));
                        if (kl <= targetKl)
                        {
                            reached = status.Step;
                            klThere = kl;
                            stop.Cancel();
                        }
                    }, stop.Token, includeParameters: true, qpuWorker: proxy);
                }
                catch (Exception ex) when (ex is OperationCanceledException && !ct.IsCancellationRequested)
                {
                    // stopped at the target
                }
            }
            var perStep = LedgerByStep(options.LedgerPath);
            foreach (var (step, kl) in evaluated)
            {
                var (shots, jobs, cost) = Until(perStep, step);
                curves.Append(CultureInfo.InvariantCulture, $"{name},{shotsLabel},{spec.Batch},{spec.LearningRate},{spec.Seed},{step},{shots},{jobs},{cost:F2},{kl:F4}\n");
            }
            var total = Until(perStep, reached >= 0 ? reached : long.MaxValue);
            return new Dictionary<string, object>
            {
                ["estimator"] = name, ["shots_per_circuit"] = shotsLabel, ["seed"] = spec.Seed, ["learning_rate"] = spec.LearningRate, ["batch"] = spec.Batch,
                ["spsa_c"] = spec.Gradient == GradientMethod.Spsa ? (object)SpsaEstimator.Perturbation(spec) : "-",
                ["steps_to_target"] = reached >= 0 ? reached : $"> {spec.Steps}",
                ["kl"] = Math.Round(reached >= 0 ? klThere : evaluated.LastOrDefault().Kl, 4),
                ["shots"] = total.Shots, ["jobs"] = total.Jobs, ["cost"] = Math.Round(total.Cost, 2),
            };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }

    /// <summary>Shots, jobs and cost executed per step (keys start with run/step/).</summary>
    private static Dictionary<long, (long Shots, long Jobs, double Cost)> LedgerByStep(string path)
    {
        var perStep = new Dictionary<long, (long, long, double)>();
        using var db = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT idempotency_key, circuits * shots, cost FROM executions";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            long step = long.Parse(r.GetString(0).Split('/')[1], CultureInfo.InvariantCulture);
            var (s, j, c) = perStep.GetValueOrDefault(step);
            perStep[step] = (s + r.GetInt64(1), j + 1, c + r.GetDouble(2));
        }
        return perStep;
    }

    /// <summary>What the steps before <paramref name="step"/> executed (the parameters after step S were computed by steps 0..S-1).</summary>
    private static (long Shots, long Jobs, double Cost) Until(Dictionary<long, (long Shots, long Jobs, double Cost)> perStep, long step)
    {
        long shots = 0, jobs = 0;
        double cost = 0;
        foreach (var (s, v) in perStep)
        {
            if (s >= step) continue;
            shots += v.Shots;
            jobs += v.Jobs;
            cost += v.Cost;
        }
        return (shots, jobs, cost);
    }
}
