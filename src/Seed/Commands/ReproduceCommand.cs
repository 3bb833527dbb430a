using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using QD3PM.Core.Data;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Reproduce;

namespace QD3PM.Seed.Commands;

/// <summary>
/// `qd3pm reproduce`: trains QD3PM (multi-step, single-step) and both factorised baselines on the paper's data sets
/// and writes DIR/report.md, DIR/results.json and PNG figures. results.json and report.md are rewritten after every
/// experiment, so an interrupted suite keeps what it finished.
/// </summary>
public sealed class ReproduceCommand : ICommandFactory
{

    public Command Create()
    {
        var suite = new Option<string>("--suite") { Description = "quick (BAS 2x2, 2x3, 3x3, Gaussian 4, 6, 8; 2,000 steps, 1 seed) or full (adds BAS 3x4, 4x4, Gaussian 10; 6,000 steps, 5 seeds).", DefaultValueFactory = _ => "quick" };
        var outDir = new Option<string>("--out") { Description = "Output directory for report.md, results.json and the PNG figures.", Required = true };
        var steps = new Option<int?>("--steps") { Description = "Override the steps of every table run." };
        var seeds = new Option<int?>("--seeds") { Description = "Override the number of seeds per table entry." };
        var datasets = new Option<string?>("--datasets") { Description = "Override the data sets: comma-separated, e.g. bas:2x2,bas:3x3." };
        var models = new Option<string?>("--only") { Description = "Only runs whose label contains this text (e.g. 'QD3PM multi')." };
        var noScaling = new Option<bool>("--no-scaling") { Description = "Skip the KL-against-dimension runs (ghz:3..10)." };
        var scalingBits = new Option<string?>("--scaling-bits") { Description = "Sizes of the KL-against-dimension runs: FROM..TO bits of ghz:N (default 3..10, at most 16: 17 qubits)." };
        var noTable = new Option<bool>("--no-table") { Description = "Skip the table runs (every model on each data set): e.g. only the scaling or noise group." };
        var noNoise = new Option<bool>("--no-noise") { Description = "Skip the KL-against-noise runs (QD3PM single-step on the selected of bas:2x2 and bas:3x3, depolarizing p 0 to 0.02; 1,000 steps quick, 3,000 full)." };
        var samples = new Option<int>("--samples") { Description = "Samples per KL estimate.", DefaultValueFactory = _ => 10000 };
        var command = new Command("reproduce", "Reproduce the paper's comparison: QD3PM against factorised baselines, with a report, results.json and plots.")
        {
            suite, outDir, steps, seeds, datasets, models, noScaling, scalingBits, noTable, noNoise, samples,
        };
        command.SetAction((parse, ct) =>
        {
            ReproduceSuite.Settings settings;
            try
            {
                settings = ReproduceSuite.Defaults(parse.GetValue(suite)!.ToLowerInvariant());
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message);
            }
            if (parse.GetValue(steps) is { } s)
                settings = s >= 1 ? settings with { Steps = s, ScalingSteps = Math.Min(settings.ScalingSteps, s), NoiseSteps = Math.Min(settings.NoiseSteps, s) } : throw new CliException("--steps must be at least 1");
            if (parse.GetValue(seeds) is { } k)
                settings = k >= 1 ? settings with { Seeds = k } : throw new CliException("--seeds must be at least 1");
            if (parse.GetValue(datasets) is { } list)
            {
                var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                foreach (var name in names)
                {
                    try { DataSets.Parse(name); }
                    catch (Exception ex) when (ex is DataSetException or ArgumentException) { throw new CliException($"--datasets: {ex.Message}"); }
                }
                settings = settings with { Datasets = names };
            }
            if (parse.GetValue(noScaling)) settings = settings with { Scaling = false };
            if (parse.GetValue(noTable)) settings = settings with { Table = false };
            if (parse.GetValue(scalingBits) is { } range)
            {
                var (from, to) = ParseBitRange(range);
                settings = settings with { ScalingFrom = from, ScalingTo = to };
            }
            if (parse.GetValue(noNoise)) settings = settings with { Noise = false };
            int n = parse.GetValue(samples);
            if (n < 1) throw new CliException("--samples must be at least 1");
            string dir = parse.GetValue(outDir)!;
            try { Directory.CreateDirectory(dir); }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new CliException($"cannot create {dir}: {ex.Message}"); }

            var experiments = ReproduceSuite.Build(settings);
            if (parse.GetValue(models) is { } only)
                experiments = experiments.Where(e => e.Label.Contains(only, StringComparison.OrdinalIgnoreCase)).ToList();
            if (experiments.Count == 0) throw new CliException("no experiment matches the selection");
            return Task.FromResult(Run(settings, experiments, dir, n, ct));
        });
        return command;
    }

    /// <summary>FROM..TO with 2 <= FROM <= TO <= 16 (ghz:N's sizes), or one clear error.</summary>
    private static (int From, int To) ParseBitRange(string text)
    {
        var parts = text.Split("..", StringSplitOptions.TrimEntries);
        if (parts.Length == 2 && int.TryParse(parts[0], out int from) && int.TryParse(parts[1], out int to)
            && from >= 2 && from <= to && to <= ReproduceSuite.ScalingMaxBits)
            return (from, to);
        throw new CliException($"--scaling-bits must be FROM..TO with 2 <= FROM <= TO <= {ReproduceSuite.ScalingMaxBits}, not '{text}'");
    }

    private static int Run(ReproduceSuite.Settings settings, IReadOnlyList<Experiment> experiments, string dir, int samples, CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        var results = new List<ExperimentResult>();
        string json = Path.Combine(dir, "results.json"), report = Path.Combine(dir, "report.md");
        Console.WriteLine($"reproduce: {experiments.Count} runs into {dir}");
        for (int i = 0; i < experiments.Count; i++)
        {
            var e = experiments[i];
            if (ct.IsCancellationRequested) break;
            ExperimentResult r;
            try
            {
                r = ExperimentRunner.Run(e, samples, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            results.Add(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{i + 1}/{experiments.Count}] {r.Dataset,-12} {r.Label,-28} seed {r.Seed}: KL {r.Kl:F4}{(r.ExactKl is { } x ? $" (exact {x:F4})" : "")}"
                + $"{(r.ValidFraction is { } v ? $", valid {v:F3}" : "")}, bound {r.FactorisedBound:F3}, {r.WallSeconds:F1} s"));
            ReportWriter.WriteJson(json, settings, results);
            ReportWriter.WriteMarkdown(report, settings, results, [], watch.Elapsed);
        }
        var figures = ReportPlots.WriteAll(dir, results);
        ReportWriter.WriteMarkdown(report, settings, results, figures, watch.Elapsed);
        Console.WriteLine($"wrote {report}, {json} and {figures.Count} figures ({watch.Elapsed.TotalMinutes:F1} min)");
        if (results.Count < experiments.Count)
        {
            Console.Error.WriteLine($"error: stopped after {results.Count} of {experiments.Count} runs; the report holds those");
            return ExitCodes.Interrupted;
        }
        return 0;
    }
}
