using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using QD3PM.Core.Data;
using QD3PM.Core.Training;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// `qd3pm bench train`: the cost of one training step (all samples of the batch, every parameter) with adjoint
/// differentiation and with the parameter-shift rule, measured in one run on the given number of threads. The best
/// of several repeats counts: the machine is shared and noise only ever adds time.
/// </summary>
public sealed class BenchTrainCommand : ISubcommandFactory
{

    public Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "Data set (bas:MxN, gaussian:N, ghz:N).", DefaultValueFactory = _ => "bas:3x3" };
        var layers = new Option<int>("--layers") { Description = "Denoiser layers L.", DefaultValueFactory = _ => 6 };
        var batch = new Option<int>("--batch") { Description = "Samples per step.", DefaultValueFactory = _ => 16 };
        var mode = SpecOptions.Choice("--mode", "multi-step or single-step.", DiffusionMode.MultiStep);
        var model = new Option<string>("--model") { Description = "qd3pm, factorized-quantum or classical-d3pm.", DefaultValueFactory = _ => "qd3pm" };
        var threads = new Option<int>("--threads") { Description = "Worker threads (1 = single-threaded, the issue's target).", DefaultValueFactory = _ => 1 };
        var repeat = new Option<int>("--repeat") { Description = "Timed steps per method (the best counts).", DefaultValueFactory = _ => 5 };
        var methods = new Option<string>("--methods") { Description = "Gradient methods to time: adjoint, shift or both (shift takes minutes from 14 qubits up).", DefaultValueFactory = _ => "adjoint,shift" };
        var embedded = new Option<int>("--embedded-steps")
        {
            Description = "Also train this many adjoint steps through `qd3pm train`'s embedded path (coordinator and worker actors, SQLite journal) and through the in-process loop of `reproduce`, in this run, and print both rates (0: skip).",
            DefaultValueFactory = _ => 0,
        };
        var json = new Option<bool>("--json") { Description = "Print {\"adjoint_step_ms\", \"shift_step_ms\", \"threads\", ...}; a method not timed is null." };
        var command = new Command("train", "Time one training step with adjoint differentiation and with parameter shift.")
        {
            dataset, layers, batch, mode, model, threads, repeat, methods, embedded, json,
        };
        command.SetAction(async (parse, ct) =>
        {
            int n = parse.GetValue(threads), reps = parse.GetValue(repeat);
            if (n < 1) throw new CliException("--threads must be at least 1");
            if (reps < 1) throw new CliException("--repeat must be at least 1");
            var timed = parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (timed.Length == 0 || timed.Any(m => m is not ("adjoint" or "shift")))
                throw new CliException("--methods must list adjoint and/or shift, e.g. adjoint,shift");
            var spec = new TrainingSpec
            {
                Dataset = parse.GetValue(dataset)!, Layers = parse.GetValue(layers), Batch = parse.GetValue(batch),
                Mode = SpecOptions.Value<DiffusionMode>(parse, mode), Model = parse.GetValue(model)!, Steps = 1000, Seed = 1,
            };
            IGradientProblem problem;
            try
            {
                problem = ProblemCatalog.Paper.Build(spec);
            }
            catch (InvalidSpecException ex)
            {
                throw new CliException(ex.Message);
            }
            var state = problem.InitialState();
            var blocks = new[] { ParameterRange.All(problem.ParameterCount) };
            (double Ms, long Evaluations) Time(GradientMethod method)
            {
                // Warm up until tiered JIT has promoted the kernels (a second or two of steps), caches and buffers.
                var warm = Stopwatch.StartNew();
                for (int w = 0; w < 2 || (w < 50 && warm.Elapsed.TotalSeconds < 2); w++)
                {
                    ct.ThrowIfCancellationRequested(); // Ctrl-C, SIGTERM: between steps (one step is not interrupted)
                    LocalTrainer.Step(problem, state, blocks, method, n);
                }
                double best = double.MaxValue;
                long evaluations = 0;
                for (int r = 0; r < reps; r++)
                {
                    ct.ThrowIfCancellationRequested();
                    var watch = Stopwatch.StartNew();
                    LocalTrainer.Step(problem, state, blocks, method, out evaluations, n);
                    best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
                }
                return (best, evaluations);
            }
            (double Ms, long Evaluations)? adjoint = timed.Contains("adjoint") ? Time(GradientMethod.Adjoint) : null;
            (double Ms, long Evaluations)? shift = timed.Contains("shift") ? Time(GradientMethod.Shift) : null;
            double copyMs = CopyMilliseconds();
            int embeddedSteps = parse.GetValue(embedded);
            if (embeddedSteps < 0) throw new CliException("--embedded-steps must not be negative");
            EmbeddedTrainBenchmark.Rates? paths = embeddedSteps > 0 ? await EmbeddedTrainBenchmark.RunAsync(spec, embeddedSteps, ct) : null;
            if (parse.GetValue(json))
            {
                JsonStdout.WriteLine(new JsonObject
                {
                    ["dataset"] = spec.Dataset, ["model"] = spec.Model, ["mode"] = SpecNames.Of(spec.Mode), ["layers"] = spec.Layers, ["batch"] = spec.Batch,
                    ["parameters"] = problem.ParameterCount, ["threads"] = n,
                    ["adjoint_step_ms"] = adjoint?.Ms, ["shift_step_ms"] = shift?.Ms, ["shift_over_adjoint"] = shift?.Ms / adjoint?.Ms,
                    ["adjoint_steps_per_s"] = 1000 / adjoint?.Ms, ["shift_circuits_per_step"] = shift?.Evaluations,
                    ["copy_16mib_ms"] = copyMs, ["adjoint_step_over_copy"] = adjoint?.Ms / copyMs,
                    ["embedded_steps"] = paths is null ? null : embeddedSteps,
                    ["embedded_steps_per_s"] = paths?.EmbeddedStepsPerSecond, ["local_loop_steps_per_s"] = paths?.LocalStepsPerSecond,
                    ["local_over_embedded"] = paths?.LocalOverEmbedded,
                }.ToJsonString());
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(c, $"{spec.Dataset} {spec.Model} {SpecNames.Of(spec.Mode)} L={spec.Layers} batch {spec.Batch}, {problem.ParameterCount} parameters, {n} thread(s)"));
                if (adjoint is { } a)
                    Console.WriteLine(string.Create(c, $"  adjoint: {a.Ms,9:F2} ms/step ({1000 / a.Ms:F1} steps/s), {a.Ms / copyMs:F1} copies of 16 MiB"));
                if (shift is { } sh)
                    Console.WriteLine(string.Create(c, $"  shift:   {sh.Ms,9:F2} ms/step ({sh.Evaluations} circuits/step){(adjoint is { } b ? $", {sh.Ms / b.Ms:F1}x adjoint" : "")}"));
                Console.WriteLine(string.Create(c, $"  machine: copying 16 MiB takes {copyMs:F2} ms here"));
                if (paths is { } r)
                    Console.WriteLine(string.Create(c, $"  train, {embeddedSteps} adjoint steps: embedded {r.EmbeddedStepsPerSecond:F1} steps/s, in-process loop {r.LocalStepsPerSecond:F1} steps/s ({r.LocalOverEmbedded:F2}x)"));
            }
            return 0;
        });
        return command;
    }

    /// <summary>
    /// One copy of a 20-qubit state buffer (16 MiB), best of five: the machine's speed in the same run, so step times
    /// measured on different (or differently loaded) machines can be compared as a ratio.
    /// </summary>
    private static double CopyMilliseconds()
    {
        var a = new System.Numerics.Complex[1 << 20];
        var b = new System.Numerics.Complex[1 << 20];
        a.AsSpan().CopyTo(b);
        double best = double.MaxValue;
        for (int i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            a.AsSpan().CopyTo(b);
            best = Math.Min(best, watch.Elapsed.TotalMilliseconds);
        }
        return best;
    }
}
