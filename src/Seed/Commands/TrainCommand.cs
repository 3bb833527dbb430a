using System.CommandLine;
using QD3PM.Core.Data;
using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Serialization;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;
using QD3PM.Seed.ModelFiles;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Commands;

/// <summary>
/// `qd3pm train`: trains a model. Without --cluster the run goes through the same coordinator and worker actors as a
/// cluster, embedded in this process with a SQLite journal under --out (so Ctrl-C loses nothing and --resume continues);
/// with --cluster it is submitted to a running cluster's management endpoint.
/// </summary>
public sealed class TrainCommand : ICommandFactory
{
    public int Order => 10;

    public Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = "Data set: bas:MxN (2x2..4x4), gaussian:N, ghz:N or file:PATH (one bitstring per line)." };
        var model = new Option<string>("--model") { Description = "qd3pm, or a factorised baseline: factorized-quantum (one small circuit per bit) or classical-d3pm (MLP with per-bit output).", DefaultValueFactory = _ => "qd3pm" };
        var mode = new Option<string>("--mode") { Description = "multi-step (ancestral, T circuit runs per sample) or single-step (one run turns noise into a sample).", DefaultValueFactory = _ => "multi-step" };
        var entangler = new Option<string>("--entangler") { Description = "ZZ entanglers per layer: all-to-all, star or chain.", DefaultValueFactory = _ => "all-to-all" };
        var layers = new Option<int>("--layers") { Description = "Layers L of RX-RY-RX + ZZ.", DefaultValueFactory = _ => 8 };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 6000 };
        var batch = new Option<int>("--batch") { Description = "Training samples per step.", DefaultValueFactory = _ => 16 };
        var lr = new Option<double?>("--lr") { Description = "Initial Adam learning rate (default 1e-3 multi-step, 1e-2 single-step)." };
        var finalLr = new Option<double?>("--final-lr") { Description = "Learning rate reached by the cosine decay at the last step (default lr/10)." };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation and of every random draw.", DefaultValueFactory = _ => 1 };
        var timeSteps = new Option<int>("--timesteps") { Description = "Diffusion steps T.", DefaultValueFactory = _ => 30 };
        var gradient = new Option<string>("--gradient") { Description = "adjoint (exact, fast) or shift (parameter shift, what hardware runs).", DefaultValueFactory = _ => "adjoint" };
        var evalEvery = new Option<int>("--eval-every") { Description = "Write the model's KL into metrics.csv every this many steps (0: only at the end).", DefaultValueFactory = _ => 500 };
        var evalSamples = new Option<int>("--eval-samples") { Description = "Samples for the final KL and valid fraction.", DefaultValueFactory = _ => 10000 };
        var outDir = new Option<string?>("--out") { Description = "Output directory (model.json, metrics.csv, spec.json, journal.db). Default runs/DATASET-MODE-sSEED." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run stored in this output directory (its spec.json and journal)." };
        var cluster = new Option<string?>("--cluster") { Description = "Submit to a running cluster: HOST:PORT of a node's management endpoint." };
        var detach = new Option<bool>("--detach") { Description = "With --cluster: print the run id and return." };
        var attach = new Option<string?>("--attach") { Description = "With --cluster: follow an existing run by id." };
        var shots = new Option<int>("--shots") { Description = "Shots per circuit on QPU workers (shot-based parameter shift; 0: the QPU worker's default, 1000).", DefaultValueFactory = _ => 0 };
        var shotPolicy = new Option<string>("--shot-policy") { Description = "uniform (every circuit gets --shots) or adaptive (a quarter as a pilot, the rest where the gradient variance is largest).", DefaultValueFactory = _ => AdaptiveShots.Uniform };
        var policy = new Option<string?>("--backend-policy") { Description = "Which workers compute gradients: sim-only, mixed (any) or qpu-only. Default: mixed with --qpu, else sim-only (bit-reproducible)." };
        var qpu = new Option<string?>("--qpu") { Description = "Without --cluster: also run a QPU-proxy worker against this QPU service (e.g. http://127.0.0.1:5005)." };
        var qpuToken = new Option<string?>("--qpu-token") { Description = "Bearer token for --qpu." };
        var certs = CertsOption.Create("TLS client identity from `qd3pm certs create` (DIR/client) for a --cluster node or an https:// --qpu started with --certs");
        var qpuBudget = new Option<long?>("--qpu-budget-shots") { Description = "With --qpu: most shots the run may spend on the QPU." };

        var command = new Command("train", "Train a QD3PM model (embedded cluster with a SQLite journal, or a running cluster with --cluster).")
        {
            dataset, model, mode, entangler, layers, steps, batch, lr, finalLr, seed, timeSteps, gradient, evalEvery, evalSamples,
            outDir, resume, cluster, detach, attach, shots, shotPolicy, policy, qpu, qpuToken, qpuBudget, certs,
        };
        command.SetAction(async (parse, ct) =>
        {
            string? resumeDir = parse.GetValue(resume);
            string? clusterAddress = parse.GetValue(cluster);
            string? attachId = parse.GetValue(attach);
            if ((parse.GetValue(detach) || attachId is not null) && clusterAddress is null)
                throw new CliException("--detach and --attach need --cluster HOST:PORT");

            TrainingSpec? spec = null;
            string? dir = parse.GetValue(outDir);
            if (resumeDir is not null)
            {
                spec = LoadSpec(Path.Combine(resumeDir, "spec.json"));
                dir = resumeDir;
            }
            else if (attachId is null)
            {
                spec = BuildSpec(parse.GetValue(dataset), parse.GetValue(model)!, parse.GetValue(mode)!, parse.GetValue(entangler)!,
                    parse.GetValue(layers), parse.GetValue(steps), parse.GetValue(batch), parse.GetValue(lr), parse.GetValue(finalLr),
                    parse.GetValue(seed), parse.GetValue(timeSteps), parse.GetValue(gradient)!, parse.GetValue(evalEvery),
                    parse.GetValue(shots), parse.GetValue(policy) ?? (parse.GetValue(qpu) is null ? BackendPolicies.SimOnly : BackendPolicies.Mixed),
                    parse.GetValue(shotPolicy)!);
            }
            string? qpuUrl = parse.GetValue(qpu);
            if (qpuUrl is not null && clusterAddress is not null)
                throw new CliException("--qpu starts a QPU worker inside this process; with --cluster, start `qd3pm node --roles qpu-proxy --qpu URL` instead");

            if (clusterAddress is not null)
                return await RunOnCluster(clusterAddress, CertsOption.Load(parse, certs, CertificateUsage.Client), spec, parse.GetValue(detach), attachId, dir, parse.GetValue(evalSamples), ct);

            dir ??= DefaultOutDir(spec!);
            QpuProxyExecutor? qpuWorker = null;
            if (qpuUrl is not null)
            {
                var options = QpuNodeExtension.Build(qpuUrl, parse.GetValue(qpuToken), parse.GetValue(qpuBudget), null, 1000, 4)
                    with { Certificates = CertsOption.Load(parse, certs, CertificateUsage.Client) };
                QpuNodeExtension.Preflight(options);
                qpuWorker = new QpuProxyExecutor(options);
            }
            else if (BackendPolicies.Parse(spec!.BackendPolicy) == BackendPolicies.QpuOnly)
            {
                throw new CliException("--backend-policy qpu-only needs a QPU worker: --qpu URL (or --cluster with qpu-proxy nodes)");
            }
            try
            {
                return await RunEmbedded(spec!, dir, resumeDir is not null, parse.GetValue(evalSamples), qpuWorker, ct);
            }
            finally
            {
                qpuWorker?.Dispose(); // prints what the QPU was sent and where the time went
            }
        });
        return command;
    }

    private static TrainingSpec BuildSpec(string? dataset, string model, string mode, string entangler, int layers, int steps, int batch,
        double? lr, double? finalLr, long seed, int timeSteps, string gradient, int evalEvery, int shots, string backendPolicy, string shotPolicy)
    {
        if (string.IsNullOrWhiteSpace(dataset))
            throw new CliException("--dataset is required (e.g. --dataset bas:2x2), or --resume DIR");
        if (layers < 1) throw new CliException("--layers must be at least 1");
        if (steps < 1) throw new CliException("--steps must be at least 1");
        if (batch < 1) throw new CliException("--batch must be at least 1");
        if (timeSteps < 2) throw new CliException("--timesteps must be at least 2");
        if (evalEvery < 0) throw new CliException("--eval-every must not be negative");
        if (shots < 0) throw new CliException("--shots must not be negative");
        string policy;
        try
        {
            policy = BackendPolicies.Parse(backendPolicy);
        }
        catch (ArgumentException ex)
        {
            throw new CliException("--backend-policy: " + ex.Message);
        }
        string shotAllocation;
        try
        {
            shotAllocation = AdaptiveShots.Parse(shotPolicy);
        }
        catch (ArgumentException ex)
        {
            throw new CliException("--shot-policy: " + ex.Message);
        }
        var method = gradient.ToLowerInvariant() switch
        {
            "adjoint" => GradientMethod.Adjoint,
            "shift" or "parameter-shift" => GradientMethod.Shift,
            _ => throw new CliException($"--gradient must be adjoint or shift, not '{gradient}'"),
        };
        bool single;
        try
        {
            single = QD3PMProblem.ParseMode(mode);
        }
        catch (ArgumentException ex)
        {
            throw new CliException(ex.Message);
        }
        double rate = lr ?? (single ? 1e-2 : 1e-3);
        if (!(rate > 0)) throw new CliException("--lr must be positive");
        var spec = new TrainingSpec
        {
            Dataset = dataset, Model = model.ToLowerInvariant(), Mode = single ? "single-step" : "multi-step", Entangler = entangler.ToLowerInvariant(),
            Layers = layers, Steps = steps, Batch = batch, LearningRate = rate, FinalLearningRate = finalLr ?? rate / 10, Seed = seed,
            TimeSteps = timeSteps, Gradient = method, EvalEvery = evalEvery, Shots = shots,
            BackendPolicy = policy == BackendPolicies.Default ? null : policy,
            ShotPolicy = shotAllocation == AdaptiveShots.Uniform ? null : shotAllocation,
        };
        Validate(spec);
        return spec;
    }

    /// <summary>Builds the problem once here so a bad data set or setting fails before any node starts.</summary>
    private static void Validate(TrainingSpec spec)
    {
        try
        {
            TrainingProblemFactory.Create(spec);
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            throw new CliException(ex.Message);
        }
    }

    private static TrainingSpec LoadSpec(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"{path}: not found (--resume needs the output directory of an earlier `qd3pm train`)");
        try
        {
            var spec = TrainingSpecJson.Deserialize(File.ReadAllText(path));
            Validate(spec);
            return spec;
        }
        catch (FormatException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }

    private static string DefaultOutDir(TrainingSpec spec)
    {
        string name = new string(spec.Dataset.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return Path.Combine("runs", $"{name}-{spec.Mode}-s{spec.Seed}");
    }

    private static async Task<int> RunEmbedded(TrainingSpec spec, string dir, bool resuming, int evalSamples, QpuProxyExecutor? qpuWorker, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        string specPath = Path.Combine(dir, "spec.json");
        string specJson = TrainingSpecJson.Serialize(spec);
        if (!resuming && File.Exists(specPath) && File.ReadAllText(specPath) != specJson)
            throw new CliException($"{dir} already holds a run with other settings; use --resume {dir} to continue it or choose another --out");
        File.WriteAllText(specPath, specJson);
        Console.WriteLine($"training {spec.Model} ({spec.Mode}) on {spec.Dataset}: {spec.Steps} steps, batch {spec.Batch}, L={spec.Layers}, lr {spec.LearningRate:G3}, seed {spec.Seed} -> {dir}");

        using var metrics = new MetricsLog(Path.Combine(dir, "metrics.csv"), spec, append: true);
        var view = new TrainingProgressView();
        RunStatus final;
        try
        {
            final = await view.RunAsync(report => new EmbeddedClusterRunner().RunAsync(spec, dir, status =>
            {
                double loss = status.Loss / spec.Batch;
                metrics.Record(status.Step, loss, status.Parameters, status.Step >= status.TotalSteps);
                report(status.Step, status.TotalSteps, loss, double.IsNaN(metrics.LastKl) ? "" : $" KL {metrics.LastKl:F4}");
            }, ct, includeParameters: true, qpuWorker: qpuWorker));
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"stopped: every completed step is in {EmbeddedClusterRunner.JournalPath(dir)}; continue with --resume {dir}");
            return 130;
        }
        return Finish(spec, final, dir, evalSamples);
    }

    private static async Task<int> RunOnCluster(string address, ClusterCredentials? certificates, TrainingSpec? spec, bool detach, string? attachId, string? dir, int evalSamples, CancellationToken ct)
    {
        using var runner = new RemoteClusterRunner(address, certificates);
        var view = new TrainingProgressView();
        MetricsLog? metrics = null;
        try
        {
            var (runId, final) = await view.RunAsync(report => runner.TrainAsync(spec, detach, attachId, status =>
            {
                var runSpec = RemoteClusterRunner.SpecOf(status);
                if (metrics is null && dir is not null)
                {
                    Directory.CreateDirectory(dir);
                    metrics = new MetricsLog(Path.Combine(dir, "metrics.csv"), runSpec, append: true);
                }
                double loss = status.Loss / Math.Max(1, runSpec.Batch);
                metrics?.Record(status.Step, loss, status.Parameters, status.Step >= status.TotalSteps);
                report(status.Step, status.TotalSteps, loss, "");
            }, ct));
            if (final is null)
            {
                Console.WriteLine(runId);
                return 0;
            }
            var runSpec = RemoteClusterRunner.SpecOf(final);
            dir ??= DefaultOutDir(runSpec);
            Directory.CreateDirectory(dir);
            File.WriteAllText(Path.Combine(dir, "spec.json"), TrainingSpecJson.Serialize(runSpec));
            return Finish(runSpec, final, dir, evalSamples);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"stopped following; the run goes on in the cluster (re-attach with --attach RUN --cluster {address})");
            return 130;
        }
        finally
        {
            metrics?.Dispose();
        }
    }

    /// <summary>Writes model.json and prints the paper's figures of merit.</summary>
    private static int Finish(TrainingSpec spec, RunStatus final, string dir, int evalSamples)
    {
        var file = new ModelFile(spec, final.Parameters.ToArray(), final.Step, final.Loss / Math.Max(1, spec.Batch), final.RunId);
        var evaluation = ModelEvaluation.Run(file.ToModel(dir), evalSamples, (int)spec.Seed);
        var figures = new Dictionary<string, double> { ["kl"] = evaluation.Kl, ["samples"] = evaluation.Samples };
        if (evaluation.ExactKl is { } exact) figures["exact_kl"] = exact;
        if (evaluation.ValidFraction is { } valid) figures["valid_fraction"] = valid;
        string modelPath = Path.Combine(dir, "model.json");
        file.Save(modelPath, figures);
        Console.WriteLine($"done: {final.Step} steps, {final.CircuitEvaluations} circuit evaluations -> {modelPath}");
        if (final.ItemsByKind.Count > 0)
            Console.WriteLine("work items by backend: " + string.Join(", ", final.ItemsByKind.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key} {k.Value}")));
        Console.WriteLine($"KL {evaluation.Kl:F4} nats ({evaluation.Samples} samples)" +
                          (evaluation.ExactKl is { } e ? $", exact KL {e:F4}" : "") +
                          (evaluation.ValidFraction is { } v ? $", valid fraction {v:F4}" : ""));
        return 0;
    }
}
