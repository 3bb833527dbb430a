using System.CommandLine;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Nodes.Training;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;
using QD3PM.Seed.ModelFiles;
using QD3PM.Seed.Ops;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Commands;

/// <summary>
/// `qd3pm train`: trains a model. Without --cluster the run goes through the same coordinator and worker actors as a
/// cluster, embedded in this process with a SQLite journal under --out (so Ctrl-C loses nothing and --resume continues);
/// with --cluster it is submitted to a running cluster's management endpoint.
/// </summary>
public sealed class TrainCommand : ICommandFactory
{

    public Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = "Data set: bas:MxN (2x2..4x4), gaussian:N, ghz:N or file:PATH (one bitstring per line)." };
        var model = new Option<string>("--model") { Description = "qd3pm, or a factorised baseline: factorized-quantum (one small circuit per bit) or classical-d3pm (MLP with per-bit output).", DefaultValueFactory = _ => "qd3pm" };
        var mode = SpecOptions.Choice("--mode", "multi-step (ancestral, T circuit runs per sample) or single-step (one run turns noise into a sample).", DiffusionMode.MultiStep);
        var entangler = SpecOptions.Choice("--entangler", "ZZ entanglers per layer: all-to-all, star or chain.", Entangler.AllToAll);
        var layers = new Option<int>("--layers") { Description = "Layers L of RX-RY-RX + ZZ.", DefaultValueFactory = _ => 8 };
        var steps = new Option<int?>("--steps") { Description = $"Optimizer steps (default {TrainDefaults.Steps}; {TrainDefaults.LongSteps} for single-step on {TrainDefaults.LongRunBits} or more bits, where fewer left some seeds short: docs/results.md)." };
        var batch = new Option<int>("--batch") { Description = "Training samples per step.", DefaultValueFactory = _ => 16 };
        var lr = new Option<double?>("--lr") { Description = "Initial Adam learning rate (default 1e-3 multi-step, 1e-2 single-step)." };
        var finalLr = new Option<double?>("--final-lr") { Description = "Learning rate reached by the cosine decay at the last step (default lr/10)." };
        var seed = new Option<long>("--seed") { Description = "Seed of initialisation and of every random draw.", DefaultValueFactory = _ => 1 };
        var timeSampling = SpecOptions.Choice("--time-sampling", "How multi-step terms draw t: signal (P(t) ∝ abar_{t-1}², the low-noise steps most; long runs drift far less: docs/results.md) or uniform (the paper's).", TimeSampling.Signal);
        var noise = new Option<double>("--noise") { Description = "Depolarizing probability p after every gate (the simulator's noise model) in training and in the model; 0: noiseless.", DefaultValueFactory = _ => 0 };
        var timeSteps = new Option<int>("--timesteps") { Description = "Diffusion steps T.", DefaultValueFactory = _ => 30 };
        var gradient = SpecOptions.Choice("--gradient", "adjoint (exact, fast), shift (parameter shift, what hardware runs), spsa (two circuits per sample and term) or shift-subset (parameter shift on a random subset per sample; docs/qpu.md).", GradientMethod.Adjoint);
        var spsaC = new Option<double?>("--spsa-c") { Description = $"SPSA perturbation in radians (default {SpsaEstimator.DefaultPerturbation})." };
        var subsetSize = new Option<int?>("--subset-size") { Description = $"Parameters per sample for --gradient shift-subset (default {SubsetShiftEstimator.DefaultSize})." };
        var qpuSchedule = new Option<string?>("--qpu-schedule") { Description = "Which steps use the QPU: last:K (simulators first, the QPU for the last K steps), first:K or every:K; the other steps are sim-only." };
        var jobCircuits = new Option<int?>("--job-circuits") { Description = "Pack each step's circuits into work items of at most this many (one QPU job each). Default with --qpu and shift, spsa or shift-subset: the backend's max circuits per job." };
        var evalEvery = new Option<int>("--eval-every") { Description = "Write the model's KL into metrics.csv every this many steps (0: only at the end); the parameters with the lowest go to DIR/best-model.json.", DefaultValueFactory = _ => 500 };
        var evalSamples = new Option<int>("--eval-samples") { Description = "Samples for the final KL and valid fraction.", DefaultValueFactory = _ => 10000 };
        var outDir = new Option<string?>("--out") { Description = "Output directory (model.json, metrics.csv, spec.json, journal.db). Default runs/DATASET-MODE-sSEED." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run stored in this output directory (its spec.json and journal)." };
        var cluster = new Option<string?>("--cluster") { Description = "Submit to a running cluster: HOST:PORT of a node's management endpoint." };
        var detach = new Option<bool>("--detach") { Description = "With --cluster: print the run id and return." };
        var attach = new Option<string?>("--attach") { Description = "With --cluster: follow an existing run by id." };
        var token = new Option<string?>("--token") { Description = "With --cluster: management token of a node started with --token (default: $QD3PM_TOKEN)." };
        var shots = new Option<int>("--shots") { Description = "Shots per circuit on QPU workers (shot-based parameter shift; 0: the QPU worker's default, 1000).", DefaultValueFactory = _ => 0 };
        var finalShots = new Option<int?>("--final-shots") { Description = "Shot schedule: shots per circuit grow geometrically from --shots at the first step to this at the last (docs/qpu.md)." };
        var shotPolicy = SpecOptions.Choice("--shot-policy", "uniform (every circuit gets --shots) or adaptive (a quarter as a pilot, the rest where the gradient variance is largest).", ShotPolicy.Uniform);
        var policy = new Option<string?>("--backend-policy") { Description = "Which workers compute gradients: sim-only, mixed (any), qpu-only or cheapest (any, preferring the cheapest whose measured throughput keeps up). Default: mixed with --qpu, else sim-only (bit-reproducible)." };
        policy.AcceptOnlyFromAmong([.. SpecNames.All<BackendPolicy>()]);
        var qpu = new Option<string?>("--qpu") { Description = "Without --cluster: also run a QPU-proxy worker against this QPU service (e.g. http://127.0.0.1:5005)." };
        var qpuToken = new Option<string?>("--qpu-token") { Description = "Bearer token for --qpu." };
        var certs = CertsOption.Create("TLS client identity from `qd3pm certs create` (DIR/client) for a --cluster node or an https:// --qpu started with --certs");
        var qpuBudget = new QpuBudgetOptions();

        var command = new Command("train", "Train a QD3PM model (embedded cluster with a SQLite journal, or a running cluster with --cluster).")
        {
            dataset, model, mode, entangler, layers, steps, batch, lr, finalLr, seed, timeSteps, timeSampling, noise, gradient, spsaC, subsetSize, jobCircuits, qpuSchedule, evalEvery, evalSamples,
            outDir, resume, cluster, detach, attach, token, shots, finalShots, shotPolicy, policy, qpu, qpuToken, certs,
        };
        foreach (var option in qpuBudget.All)
            command.Options.Add(option);
        command.SetAction(async (parse, ct) =>
        {
            string? resumeDir = parse.GetValue(resume);
            string? clusterAddress = parse.GetValue(cluster);
            string? attachId = parse.GetValue(attach);
            if ((parse.GetValue(detach) || attachId is not null || parse.GetValue(token) is not null) && clusterAddress is null)
                throw new CliException("--detach, --attach and --token need --cluster HOST:PORT");

            TrainingSpec? spec = null;
            string? dir = parse.GetValue(outDir);
            if (resumeDir is not null)
            {
                spec = LoadSpec(Path.Combine(resumeDir, "spec.json"));
                dir = resumeDir;
            }
            else if (attachId is null)
            {
                if (string.IsNullOrWhiteSpace(parse.GetValue(dataset)))
                    throw new CliException("--dataset is required (e.g. --dataset bas:2x2), or --resume DIR");
                var diffusion = SpecOptions.Value<DiffusionMode>(parse, mode);
                double rate = parse.GetValue(lr) ?? TrainDefaults.LearningRate(diffusion);
                spec = Validate(new TrainingSpec
                {
                    Dataset = parse.GetValue(dataset)!, Model = parse.GetValue(model)!.Trim().ToLowerInvariant(), Mode = diffusion,
                    Entangler = SpecOptions.Value<Entangler>(parse, entangler), Layers = parse.GetValue(layers),
                    Steps = parse.GetValue(steps) ?? TrainDefaults.StepsFor(diffusion, parse.GetValue(dataset)!, parse.GetValue(seed)),
                    Batch = parse.GetValue(batch), LearningRate = rate, FinalLearningRate = parse.GetValue(finalLr) ?? rate / 10,
                    Seed = parse.GetValue(seed), TimeSteps = parse.GetValue(timeSteps),
                    TimeSampling = SpecOptions.Value<TimeSampling>(parse, timeSampling), Noise = parse.GetValue(noise), Gradient = SpecOptions.Value<GradientMethod>(parse, gradient),
                    Shots = parse.GetValue(shots), FinalShots = parse.GetValue(finalShots), ShotPolicy = SpecOptions.Value<ShotPolicy>(parse, shotPolicy),
                    BackendPolicy = parse.GetValue(policy) is { } named ? SpecNames.Parse<BackendPolicy>(named, "backend policy")
                        : parse.GetValue(qpu) is null ? BackendPolicy.SimOnly : BackendPolicy.Mixed,
                });
                spec = WithHardwareEstimators(spec with { QpuSchedule = parse.GetValue(qpuSchedule) }, parse.GetValue(spsaC), parse.GetValue(subsetSize),
                    parse.GetValue(jobCircuits), parse.GetValue(qpu));
            }
            int everySteps = parse.GetValue(evalEvery);
            if (everySteps < 0)
                throw new CliException("--eval-every must not be negative");
            string? qpuUrl = parse.GetValue(qpu);
            var budget = qpuBudget.Parse(parse); // the run's, enforced by its coordinator (with --resume: replaces the set limits)
            if (budget is not null && attachId is not null)
                throw new CliException("--attach follows a run as it is: raise its QPU budget with `qd3pm runs resume RUN --qpu-budget-shots N`");
            if (qpuUrl is not null && clusterAddress is not null)
                throw new CliException("--qpu starts a QPU worker inside this process; with --cluster, start `qd3pm node --roles qpu-proxy --qpu URL` instead");

            if (clusterAddress is not null)
                return await RunOnCluster(clusterAddress, CertsOption.Load(parse, certs, CertificateUsage.Client), parse.GetValue(token), spec, parse.GetValue(detach), attachId, dir, new Reporting(everySteps, parse.GetValue(evalSamples)), budget, ct);

            dir ??= DefaultOutDir(spec!);
            QpuProxyExecutor? qpuWorker = null;
            if (qpuUrl is not null)
            {
                var options = QpuNodeExtension.Build(qpuUrl, parse.GetValue(qpuToken), null, null, 1000, 4)
                    with { Certificates = CertsOption.Load(parse, certs, CertificateUsage.Client) };
                QpuNodeExtension.Preflight(options);
                qpuWorker = new QpuProxyExecutor(options);
            }
            else if (spec!.BackendPolicy == BackendPolicy.QpuOnly)
            {
                throw new CliException("--backend-policy qpu-only needs a QPU worker: --qpu URL (or --cluster with qpu-proxy nodes)");
            }
            try
            {
                return await RunEmbedded(spec!, dir, resumeDir is not null, new Reporting(everySteps, parse.GetValue(evalSamples)), qpuWorker, budget, ct);
            }
            finally
            {
                qpuWorker?.Dispose(); // prints what the QPU was sent and where the time went
            }
        });
        return command;
    }

    /// <summary>Builds the problem once here so a bad data set or setting fails before any node starts.</summary>
    private static TrainingSpec Validate(TrainingSpec spec)
    {
        try
        {
            return Problems.Get(spec).Spec;
        }
        catch (InvalidSpecException ex)
        {
            throw new CliException(ex.Message);
        }
    }

    /// <summary>
    /// The hardware estimators' settings (docs/qpu.md). With --qpu and a method that has units, items are packed to the
    /// backend's max circuits per job unless --job-circuits says otherwise (0: one item per sample and block).
    /// </summary>
    private static TrainingSpec WithHardwareEstimators(TrainingSpec spec, double? spsaC, int? subsetSize, int? jobCircuits, string? qpuUrl)
    {
        if (spsaC is not null && spec.Gradient != GradientMethod.Spsa) throw new CliException("--spsa-c needs --gradient spsa");
        if (subsetSize is not null && spec.Gradient != GradientMethod.ShiftSubset) throw new CliException("--subset-size needs --gradient shift-subset");
        if (jobCircuits is < 0) throw new CliException("--job-circuits must not be negative");
        int? packed = jobCircuits is 0 ? null : jobCircuits;
        if (jobCircuits is null && qpuUrl is not null && UnitLayout.HasUnits(spec.Gradient) && spec.ShotPolicy == ShotPolicy.Uniform
            && spec.BackendPolicy != BackendPolicy.SimOnly)
            packed = QpuNodeExtension.MaxCircuitsPerJob(qpuUrl);
        return Validate(spec with { SpsaPerturbation = spsaC, SubsetSize = subsetSize, JobCircuits = packed });
    }

    /// <summary>The problems of this process: built here at the edge, shared with the embedded node's actors.</summary>
    private static readonly ProblemCache Problems = StandInProblems.NewCache();

    private static TrainingSpec LoadSpec(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"{path}: not found (--resume needs the output directory of an earlier `qd3pm train`)");
        try
        {
            return Validate(TrainingSpecJson.Deserialize(File.ReadAllText(path)));
        }
        catch (InvalidSpecException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }

    private static string DefaultOutDir(TrainingSpec spec)
    {
        string name = new string(spec.Dataset.Select(c => char.IsLetterOrDigit(c) ? c : '-').ToArray()).Trim('-');
        return Path.Combine("runs", $"{name}-{SpecNames.Of(spec.Mode)}-s{spec.Seed}");
    }

    /// <summary>Client-side reporting settings (not part of the run's identity).</summary>
    private sealed record Reporting(int EvalEvery, int EvalSamples);

    /// <summary>What each mode says: on the first Ctrl-C, on the second, once the command has stopped, and how to go on after the run's QPU budget stopped it.</summary>
    private sealed record ModeLines(string Stopping, string StoppedAtOnce, string Stopped, string ContinueAfterBudget);

    private static async Task<int> RunEmbedded(TrainingSpec spec, string dir, bool resuming, Reporting reporting, QpuProxyExecutor? qpuWorker, RunBudget? budget, CancellationToken ct)
    {
        using var runDir = RunDirectory.Acquire(dir);
        string specPath = runDir.SpecPath;
        if (!resuming && File.Exists(specPath) && !SameSpec(File.ReadAllText(specPath), spec))
            throw new CliException($"{dir} already holds a run with other settings; use --resume {dir} to continue it or choose another --out");
        runDir.CheckJournal(resuming);
        runDir.CheckSpace();
        string journal = runDir.JournalPath;
        var lines = new ModeLines("stopping: the step in progress is dropped, every completed step is journaled (Ctrl-C again to quit at once)",
            $"stopped at once: every completed step is in {journal}; continue with --resume {dir}",
            $"stopped: every completed step is in {journal}; continue with --resume {dir}",
            $"`qd3pm train --resume {dir}`");
        try
        {
            return await Train(spec, dir, reporting, lines, async stop =>
            {
                var client = await InProcessRunClient.StartAsync(dir, Problems, qpuWorker, stop, budget);
                return (client, await client.SubmitAsync(spec, EmbeddedClusterRunner.RunId, stop));
            }, ct);
        }
        catch (Exception ex) when (RunDirectory.Translate(ex, dir) is { } full)
        {
            throw full;
        }
    }

    private static async Task<int> RunOnCluster(string address, ClusterCredentials? certificates, string? token, TrainingSpec? spec, bool detach, string? attachId, string? dir, Reporting reporting, RunBudget? budget, CancellationToken ct)
    {
        await using var client = new GrpcRunClient(address, certificates, token) { Budget = budget };
        string runId = attachId ?? await client.SubmitAsync(spec!, null, ct);
        if (detach)
        {
            Console.WriteLine(runId);
            return 0;
        }
        if (attachId is not null)
            spec = Validate(TrainingSpecJson.Deserialize((await client.GetAsync(runId, false, ct)).SpecJson));
        dir ??= DefaultOutDir(spec!);
        var lines = new ModeLines("stopping: the run goes on in the cluster (Ctrl-C again to quit at once)",
            "stopped following at once; the run goes on in the cluster",
            $"stopped following; the run goes on in the cluster (re-attach with --attach {runId} --cluster {address})",
            $"`qd3pm runs resume {runId}` (then `train --attach {runId}`)");
        return await Train(spec!, dir, reporting, lines, _ => Task.FromResult<(IRunClient, string)>((client, runId)), ct);
    }

    /// <summary>
    /// The one way `train` follows a run, wherever it lives: metrics.csv gets every step's loss from the run's step
    /// history (continuing after its last row) and the KL every --eval-every steps and at the end, the progress line
    /// shows the newest status's step and loss with the newest KL at or before that step (<see cref="ProgressLineKl"/>),
    /// and the final parameters go to model.json.
    /// </summary>
    private static async Task<int> Train(TrainingSpec spec, string dir, Reporting reporting, ModeLines lines,
        Func<CancellationToken, Task<(IRunClient Client, string RunId)>> connect, CancellationToken ct)
    {
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "spec.json"), TrainingSpecJson.Serialize(spec));
        Console.WriteLine($"training {spec.Model} ({SpecNames.Of(spec.Mode)}) on {spec.Dataset}: {spec.Steps} steps, batch {spec.Batch}, L={spec.Layers}, lr {spec.LearningRate:G3}, seed {spec.Seed} -> {dir}");
        using var metrics = new MetricsLog(Path.Combine(dir, "metrics.csv"), Problems.Get(spec), new BestModelKeeper(dir, spec));
        var view = new TrainingProgressView();
        using var ctrlC = new StopOnSignal(ct, lines.Stopping, lines.StoppedAtOnce);
        ct = ctrlC.Token;
        IRunClient? client = null;
        RunStatus final;
        string runId;
        try
        {
            (client, runId) = await connect(ct);
            var follower = new RunFollower(client, runId, reporting.EvalEvery);
            final = await view.RunAsync(report => follower.FollowAsync(metrics.LastStep, metrics.Record,
                status => report(status.Step, status.TotalSteps, status.Loss, metrics.Kl.For(status.Step)), ct));
        }
        catch (Exception) when (ctrlC.Interrupted) // cancelled: whatever the follow was waiting for ends, in any form
        {
            Console.Error.WriteLine(lines.Stopped);
            return ExitCodes.Interrupted;
        }
        finally
        {
            if (client is not null)
                await client.DisposeAsync();
        }
        if (RunOutcome.Error(final, lines.ContinueAfterBudget) is { } stopped)
            throw stopped;
        return Finish(spec, final, dir, reporting.EvalSamples);
    }

    private static bool SameSpec(string json, TrainingSpec spec)
    {
        try
        {
            return TrainingSpecJson.Deserialize(json) == spec;
        }
        catch (InvalidSpecException)
        {
            return false;
        }
    }

    /// <summary>Writes model.json and prints the paper's figures of merit.</summary>
    private static int Finish(TrainingSpec spec, RunStatus final, string dir, int evalSamples)
    {
        var file = new ModelFile(spec, final.Parameters.ToArray(), final.Step, final.Loss, final.RunId);
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
        string bestPath = Path.Combine(dir, BestModelKeeper.FileName);
        if (File.Exists(bestPath))
            Console.WriteLine($"best model at the evaluations: step {ModelFile.Load(bestPath).Steps} -> {bestPath}");
        return 0;
    }
}
