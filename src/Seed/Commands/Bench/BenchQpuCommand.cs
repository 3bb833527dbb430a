using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using QD3PM.Core.Training;
using QD3PM.Nodes.Qpu.Emulator;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// `qd3pm bench qpu`: a short qpu-only training run against an in-process emulator, reporting what parameter shift
/// costs on a QPU: jobs per step against the fewest that hold its circuits (ceil(circuits / max circuits per job)), circuits
/// and shots per step against the 2 x parameters x batch parameter-shift minimum, cost per step, duplicate executions
/// (from the emulator's ledger; target 0) and where the time went (queue wait, execution, network and client,
/// and the coordinator's share: wall time with no QPU job in flight).
/// </summary>
public sealed class BenchQpuCommand : ISubcommandFactory
{

    public Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Data set of the run.", DefaultValueFactory = _ => "bas:2x2" };
        var mode = SpecOptions.Choice("--mode", "multi-step (2 loss terms per sample) or single-step (1).", DiffusionMode.MultiStep);
        var layers = new Option<int>("--layers") { Description = "Circuit layers.", DefaultValueFactory = _ => 2 };
        var batch = new Option<int>("--batch") { Description = "Samples per step.", DefaultValueFactory = _ => 4 };
        var steps = new Option<int>("--steps") { Description = "Optimizer steps.", DefaultValueFactory = _ => 3 };
        var shots = new Option<int>("--shots") { Description = "Shots per circuit.", DefaultValueFactory = _ => 1000 };
        var gradient = SpecOptions.Choice("--gradient", "shift, spsa or shift-subset (items packed to --job-circuits), or adjoint (one item per sample, parameter shift on the QPU).", GradientMethod.Shift);
        var jobCircuits = new Option<int>("--job-circuits") { Description = "Circuits per packed item (0: one item per sample and 32-parameter block, the unshifted circuits shared).", DefaultValueFactory = _ => new QpuEmulatorOptions().MaxCircuitsPerJob };
        var maxCircuits = new Option<int>("--max-circuits") { Description = "Emulator's max circuits per job.", DefaultValueFactory = _ => new QpuEmulatorOptions().MaxCircuitsPerJob };
        var queueMs = new Option<double>("--queue-ms") { Description = "Emulator queue latency per job.", DefaultValueFactory = _ => 300 };
        var shotUs = new Option<double>("--shot-us") { Description = "Emulator time per shot.", DefaultValueFactory = _ => 5 };
        var failRate = new Option<double>("--fail-rate") { Description = "Emulator transient failure rate.", DefaultValueFactory = _ => 0.1 };
        var shotPolicy = SpecOptions.Choice("--shot-policy", "uniform or adaptive.", ShotPolicy.Uniform);
        var json = new Option<bool>("--json") { Description = "Print one JSON object." };
        var command = new Command("qpu", "QPU cost of a short qpu-only run on an in-process emulator: circuits and shots per step vs the parameter-shift minimum, duplicate executions, time split.")
        {
            dataset, mode, layers, batch, steps, shots, shotPolicy, gradient, jobCircuits, maxCircuits, queueMs, shotUs, failRate, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            var spec = new TrainingSpec
            {
                Dataset = parse.GetValue(dataset)!, Mode = SpecOptions.Value<DiffusionMode>(parse, mode), Layers = parse.GetValue(layers),
                Batch = parse.GetValue(batch), Steps = parse.GetValue(steps), Shots = parse.GetValue(shots), Seed = 1, BackendPolicy = BackendPolicy.QpuOnly,
                Gradient = SpecOptions.Value<GradientMethod>(parse, gradient), ShotPolicy = SpecOptions.Value<ShotPolicy>(parse, shotPolicy),
                JobCircuits = parse.GetValue(jobCircuits) > 0 && SpecOptions.Value<GradientMethod>(parse, gradient) != GradientMethod.Adjoint ? parse.GetValue(jobCircuits) : null,
            };
            QD3PMProblem problem;
            try
            {
                problem = ProblemCatalog.Paper.Build(spec) as QD3PMProblem
                          ?? throw new InvalidSpecException("bench qpu measures the qd3pm model");
            }
            catch (InvalidSpecException ex)
            {
                throw new CliException("cannot build the benchmark run: " + ex.Message);
            }
            var dir = Directory.CreateTempSubdirectory("qd3pm-bench-qpu-").FullName;
            var log = parse.GetValue(json) ? TextWriter.Null : Console.Error;
            try
            {
                var emulatorOptions = new QpuEmulatorOptions
                {
                    Port = FreePort.Get(), QueueMs = parse.GetValue(queueMs), ShotMicroseconds = parse.GetValue(shotUs),
                    FailRate = parse.GetValue(failRate), LedgerPath = Path.Combine(dir, "ledger.db"), MaxCircuitsPerJob = parse.GetValue(maxCircuits),
                };
                await using var emulator = await QpuEmulatorHost.StartAsync(emulatorOptions, ct: ct);
                var proxy = new QpuProxyExecutor(new QpuProxyOptions
                {
                    Url = new Uri($"http://127.0.0.1:{emulatorOptions.Port}"), Log = log.WriteLine,
                });
                log.WriteLine($"bench qpu: {spec.Dataset} {spec.Mode}, L={spec.Layers}, {problem.ParameterCount} parameters, batch {spec.Batch}, " +
                              $"{spec.Steps} steps, {spec.Shots} shots; emulator queue {emulatorOptions.QueueMs} ms, {emulatorOptions.ShotMicroseconds} us/shot, fail rate {emulatorOptions.FailRate}");
                var wall = Stopwatch.StartNew();
                RunStatus final;
                try
                {
                    final = await new EmbeddedClusterRunner().RunAsync(spec, Path.Combine(dir, "run"),
                        s => log.WriteLine($"  step {s.Step}/{s.TotalSteps} at {wall.Elapsed.TotalSeconds:F1} s"), ct, qpuWorker: proxy);
                }
                finally
                {
                    proxy.Dispose();
                }
                wall.Stop();
                var ledger = QpuLedgerSummary.Read(emulatorOptions.LedgerPath);
                var stats = proxy.Stats;
                int n = spec.Steps;
                int terms = problem.SingleStep ? 1 : 2;
                long minimum = 2L * problem.ParameterCount * spec.Batch;
                double circuitsPerStep = (double)ledger.CircuitsExecuted / n;
                double jobsPerStep = (double)ledger.Executions / n;
                // the fewest jobs that can carry a step's circuits
                double minimumJobs = Math.Ceiling(circuitsPerStep / emulatorOptions.MaxCircuitsPerJob);
                double network = Math.Max(0, stats.WallMs - stats.QueueMs - stats.RunMs);
                double jobTime = stats.QueueMs + stats.RunMs + network;
                var result = new Dictionary<string, object>
                {
                    ["parameters"] = problem.ParameterCount,
                    ["batch"] = spec.Batch,
                    ["loss_terms_per_sample"] = terms,
                    ["minimum_circuits_per_step"] = minimum,
                    ["shift_circuits_per_step_needed"] = minimum * terms,
                    ["circuits_executed_per_step"] = Math.Round(circuitsPerStep, 1),
                    ["circuits_per_step_over_minimum"] = Math.Round(circuitsPerStep / minimum, 3),
                    ["circuits_requested_per_step"] = Math.Round((double)stats.Circuits / n, 1),
                    ["shots_per_step"] = ledger.ShotsExecuted / n,
                    ["jobs_per_step"] = Math.Round(jobsPerStep, 2),
                    ["max_circuits_per_job"] = emulatorOptions.MaxCircuitsPerJob,
                    ["minimum_jobs_per_step"] = minimumJobs,
                    ["jobs_per_step_over_minimum"] = Math.Round(jobsPerStep / minimumJobs, 3),
                    ["jobs_per_step_over_circuits_per_max"] = Math.Round(jobsPerStep / (circuitsPerStep / emulatorOptions.MaxCircuitsPerJob), 3),
                    ["duplicate_executions"] = ledger.DuplicateExecutions,
                    ["jobs_answered_by_existing_job"] = stats.ExistingJobs,
                    ["transient_failures"] = ledger.TransientFailures,
                    ["retries"] = stats.Retries,
                    ["cost_per_step"] = Math.Round(ledger.Cost / n, 2),
                    ["wall_seconds_per_step"] = Math.Round(wall.Elapsed.TotalSeconds / n, 3),
                    ["job_time_queue_fraction"] = Math.Round(stats.QueueMs / jobTime, 3),
                    ["job_time_execution_fraction"] = Math.Round(stats.RunMs / jobTime, 3),
                    ["job_time_network_client_fraction"] = Math.Round(network / jobTime, 3),
                    ["wall_fraction_with_qpu_jobs_in_flight"] = Math.Round(stats.Busy.TotalSeconds / wall.Elapsed.TotalSeconds, 3),
                    ["wall_fraction_coordinator_and_client"] = Math.Round(1 - stats.Busy.TotalSeconds / wall.Elapsed.TotalSeconds, 3),
                    ["run_state"] = final.State.ToString(),
                };
                JsonStdout.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = !parse.GetValue(json) }));
                return ledger.DuplicateExecutions == 0 ? 0 : 4;
            }
            finally
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try { Directory.Delete(dir, true); } catch (IOException) { }
            }
        });
        return command;
    }
}
