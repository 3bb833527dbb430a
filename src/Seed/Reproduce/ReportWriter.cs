using System.Globalization;
using System.Text;
using System.Text.Json;

namespace QD3PM.Seed.Reproduce;

/// <summary>Writes report.md (tables and figures) and results.json from the suite's results.</summary>
public static class ReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static void WriteJson(string path, ReproduceSuite.Settings settings, IReadOnlyList<ExperimentResult> results)
    {
        var document = new { suite = settings.Suite, steps = settings.Steps, seeds = settings.Seeds, results };
        File.WriteAllText(path, JsonSerializer.Serialize(document, Json));
    }

    public static void WriteMarkdown(string path, ReproduceSuite.Settings settings, IReadOnlyList<ExperimentResult> results,
        IReadOnlyList<string> figures, TimeSpan elapsed)
    {
        var md = new StringBuilder();
        md.AppendLine("# QD3PM reproduction report").AppendLine();
        md.AppendLine(Inv($"Suite `{settings.Suite}`: {settings.Steps} steps per table run, {settings.Seeds} seed(s) (mean ± spread over seeds), batch 16, T = 30, all-to-all entanglers. Wall time {elapsed.TotalMinutes:F1} min on {Environment.ProcessorCount} cores."));
        md.AppendLine().AppendLine("KL(target ‖ model) in nats from the samples column (probabilities clipped at 1e-7); exact KL from the "
            + "model's exact distribution. The factorised bound is the data's total correlation: no model with a factorised "
            + "one-step output can go below it; \"below bound\" compares the exact KL (else the sample KL) with 99% of it. Baselines run "
            + "single-step. The factorised quantum baseline's bits each see only their own noise bit, so its output is one product "
            + "distribution and the bound holds; the classical D3PM's perceptron sees the whole noise input, so its output is a mixture "
            + "of product distributions over that input and can dip under the bound (by about 0.1 nats on ghz:11..16).").AppendLine();
        var table = results.Where(r => r.Group == Experiment.TableGroup).ToList();
        if (table.Count > 0)
        {
            md.AppendLine("| data set | model | KL | exact KL | valid | factorised bound | below bound | parameters | circuits evaluated | wall s |");
            md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
            foreach (var group in table.GroupBy(r => (r.Dataset, r.Label)))
            {
                var runs = group.ToList();
                var first = runs[0];
                // Exact KL where there is one (sample KL from 10,000 draws is biased low by about (d-1)/(2·samples)).
                string below = runs.Average(r => r.ExactKl ?? r.Kl) < 0.99 * first.FactorisedBound ? "yes" : "no";
                md.AppendLine(Inv($"| {first.Dataset} | {first.Label} | {Stat(runs.Select(r => r.Kl))} | {Stat(runs.Select(r => r.ExactKl))} | {Stat(runs.Select(r => r.ValidFraction))} | {first.FactorisedBound:F4} | {below} | {first.Parameters} | {runs.Average(r => (double)r.CircuitEvaluations):N0} | {runs.Average(r => r.WallSeconds):F1} |"));
            }
        }
        var scaling = results.Where(r => r.Group == Experiment.ScalingGroup).ToList();
        if (scaling.Count > 0)
        {
            md.AppendLine().AppendLine("## KL against dimension (ghz:N)").AppendLine();
            md.AppendLine("GHZ data (all zeros, all ones) has total correlation (N-1) ln 2: factorised models grow linearly, QD3PM does not. "
                + "Exact KL where the model gives it (the whole distribution up to 10 bits; the factorised models' probabilities of the two GHZ strings at any size), else KL from the samples.").AppendLine();
            md.AppendLine("| N | bound | " + string.Join(" | ", scaling.Select(r => r.Label).Distinct()) + " |");
            md.AppendLine("|---|---|" + string.Concat(scaling.Select(r => r.Label).Distinct().Select(_ => "---|")));
            foreach (var row in scaling.GroupBy(r => r.Bits).OrderBy(g => g.Key))
                md.AppendLine(Inv($"| {row.Key} | {row.First().FactorisedBound:F3} | ") + string.Join(" | ", row.Select(r => Inv($"{r.ExactKl ?? r.Kl:F3}"))) + " |");
        }
        var noise = results.Where(r => r.Group == Experiment.NoiseGroup).ToList();
        if (noise.Count > 0)
        {
            md.AppendLine().AppendLine("## KL against depolarizing noise (QD3PM single-step)").AppendLine();
            md.AppendLine(Inv($"Trained and evaluated under depolarizing noise p after every gate on each qubit it touches (Pauli trajectories in training, the channel's exact distribution up to 6 qubits, else 64 trajectories per conditional), {noise[0].Steps} steps, seed 1.")).AppendLine();
            md.AppendLine("| data set | p | KL | exact KL | valid | factorised bound |").AppendLine("|---|---|---|---|---|---|");
            foreach (var r in noise.OrderBy(r => r.Bits).ThenBy(r => r.Noise))
                md.AppendLine(Inv($"| {r.Dataset} | {r.Noise} | {r.Kl:F4} | {(r.ExactKl is { } x ? x.ToString("F4", CultureInfo.InvariantCulture) : "–")} | {(r.ValidFraction is { } v ? v.ToString("F3", CultureInfo.InvariantCulture) : "–")} | {r.FactorisedBound:F4} |"));
        }
        var conditional = results.Where(r => r.Conditional is not null).ToList();
        if (conditional.Count > 0)
        {
            md.AppendLine().AppendLine("## Inpainting against the true conditional").AppendLine();
            md.AppendLine("Half the bits known (rounded down), every mask and every pattern of known values that occurs in the data: "
                + "KL(true conditional ‖ completions) in nats and the valid fraction of the completions, weighted by the pattern's "
                + "probability, averaged over masks (mean ± spread over seeds).").AppendLine();
            md.AppendLine("| data set | model | known bits | masks | patterns | KL | valid |").AppendLine("|---|---|---|---|---|---|---|");
            foreach (var group in conditional.GroupBy(r => (r.Dataset, r.Label)))
            {
                var runs = group.ToList();
                var c = runs[0].Conditional!;
                md.AppendLine(Inv($"| {runs[0].Dataset} | {runs[0].Label} | {runs[0].Bits / 2} | {c.Masks} | {c.Patterns} | {Stat(runs.Select(r => r.Conditional!.Kl))} | {Stat(runs.Select(r => r.Conditional!.ValidFraction))} |"));
            }
        }
        var inpainting = results.Where(r => r.Inpainting.Count > 0 && r.Label == "QD3PM multi-step" && r.Seed == 1).ToList();
        if (inpainting.Count > 0)
        {
            md.AppendLine().AppendLine("## Inpainting (QD3PM multi-step, first row known)").AppendLine();
            md.AppendLine("| data set | known | valid completions | examples |").AppendLine("|---|---|---|---|");
            foreach (var r in inpainting)
                foreach (var e in r.Inpainting)
                    md.AppendLine(Inv($"| {r.Dataset} | `{e.Known}` | {e.ValidFraction:P0} | {string.Join(" ", e.Completions.Select(c => $"`{c}`"))} |"));
        }
        md.AppendLine().AppendLine("## Figures").AppendLine();
        foreach (var f in figures) md.AppendLine($"![{Path.GetFileNameWithoutExtension(f)}]({f})").AppendLine();
        File.WriteAllText(path, md.ToString());
    }

    private static string Stat(IEnumerable<double?> values)
    {
        var v = values.Where(x => x.HasValue).Select(x => x!.Value).ToList();
        if (v.Count == 0) return "–";
        if (v.Count == 1) return Inv($"{v[0]:F4}");
        return Inv($"{v.Average():F4} ({v.Min():F3}–{v.Max():F3})");
    }

    private static string Stat(IEnumerable<double> values) => Stat(values.Select(x => (double?)x));

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
