using ScottPlot;

namespace QD3PM.Seed.Reproduce;

/// <summary>The report's PNG figures (ScottPlot): KL over training, histograms, inpainting, KL against dimension.</summary>
public static class ReportPlots
{
    private const int Width = 900, Height = 520;

    /// <summary>Writes every figure into <paramref name="directory"/> and returns their file names.</summary>
    public static List<string> WriteAll(string directory, IReadOnlyList<ExperimentResult> results)
    {
        var files = new List<string>();
        var table = results.Where(r => r.Group == Experiment.TableGroup && r.Seed == 1).ToList();
        foreach (var dataset in table.Select(r => r.Dataset).Distinct())
        {
            var runs = table.Where(r => r.Dataset == dataset).ToList();
            string slug = dataset.Replace(':', '-');
            files.Add(Save(directory, $"kl-training-{slug}.png", KlOverTraining(dataset, runs)));
            files.Add(Save(directory, $"histogram-{slug}.png", Histograms(dataset, runs)));
            if (runs.FirstOrDefault(r => r.Inpainting.Count > 0 && r.Model == "qd3pm" && r.Mode == "multi-step") is { } inpaint)
                files.Add(Save(directory, $"inpainting-{slug}.png", Inpainting(inpaint)));
        }
        var scaling = results.Where(r => r.Group == Experiment.ScalingGroup).ToList();
        if (scaling.Count > 0) files.Add(Save(directory, "kl-vs-dimension.png", KlAgainstDimension(scaling, table)));
        var noise = results.Where(r => r.Group == Experiment.NoiseGroup).ToList();
        if (noise.Count > 0) files.Add(Save(directory, "kl-vs-noise.png", KlAgainstNoise(noise)));
        return files;
    }

    private static string Save(string directory, string name, Plot plot)
    {
        plot.SavePng(Path.Combine(directory, name), Width, Height);
        return name;
    }

    private static Plot KlOverTraining(string dataset, List<ExperimentResult> runs)
    {
        var plot = new Plot();
        foreach (var r in runs)
        {
            var line = plot.Add.Scatter(r.KlTrace.Select(p => p[0]).ToArray(), r.KlTrace.Select(p => p[1]).ToArray());
            line.LegendText = r.Label;
        }
        var bound = plot.Add.HorizontalLine(runs[0].FactorisedBound);
        bound.LinePattern = LinePattern.Dashed;
        bound.LegendText = "factorised bound (total correlation)";
        plot.Title($"KL over training, {dataset}");
        plot.XLabel("step");
        plot.YLabel("KL (nats)");
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Plot Histograms(string dataset, List<ExperimentResult> runs)
    {
        var plot = new Plot();
        var xs = Enumerable.Range(0, runs[0].Target.Length).Select(i => (double)i).ToArray();
        var target = plot.Add.Scatter(xs, runs[0].Target);
        target.LegendText = "target";
        target.LineWidth = 3;
        foreach (var r in runs.Where(r => r.Model == "qd3pm" || r.Model == "classical-d3pm"))
        {
            var line = plot.Add.Scatter(xs, r.Generated);
            line.LegendText = r.Label;
            line.MarkerSize = 3;
        }
        plot.Title($"Target and generated distributions, {dataset}");
        plot.XLabel("bitstring (as integer)");
        plot.YLabel("probability");
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Each example as a row: the known part (unknown pixels grey) and completions, drawn as pixel images.</summary>
    private static Plot Inpainting(ExperimentResult r)
    {
        var parts = r.Dataset["bas:".Length..].Split('x');
        int rows = int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture);
        int cols = int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture);
        var plot = new Plot();
        double cell = 1, gap = 1;
        for (int e = 0; e < r.Inpainting.Count; e++)
        {
            var example = r.Inpainting[e];
            var images = new List<string> { example.Known };
            images.AddRange(example.Completions);
            for (int k = 0; k < images.Count; k++)
            {
                double left = k * (cols + gap) + (k > 0 ? gap : 0), top = -e * (rows + gap);
                for (int i = 0; i < rows; i++)
                    for (int j = 0; j < cols; j++)
                    {
                        char c = images[k][i * cols + j];
                        var rect = plot.Add.Rectangle(left + j * cell, left + (j + 1) * cell, top - (i + 1) * cell, top - i * cell);
                        rect.FillStyle.Color = c == '1' ? Colors.Black : c == '0' ? Colors.White : Colors.LightGray;
                        rect.LineStyle.Color = Colors.Gray;
                    }
            }
        }
        plot.Title($"Inpainting {r.Dataset}: known first row (left, grey unknown), then completions");
        plot.Axes.SquareUnits();
        plot.HideAxesAndGrid();
        return plot;
    }

    /// <summary>KL against p per data set, each with its factorised bound (dashed, same colour).</summary>
    private static Plot KlAgainstNoise(List<ExperimentResult> noise)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        int k = 0;
        foreach (var group in noise.GroupBy(r => r.Dataset))
        {
            var color = palette.GetColor(k++);
            var ordered = group.OrderBy(r => r.Noise).ToList();
            var line = plot.Add.Scatter(ordered.Select(r => r.Noise).ToArray(), ordered.Select(r => r.ExactKl ?? r.Kl).ToArray());
            line.LegendText = $"QD3PM single-step, {group.Key}";
            line.Color = color;
            var bound = plot.Add.HorizontalLine(ordered[0].FactorisedBound);
            bound.LinePattern = LinePattern.Dashed;
            bound.Color = color;
            bound.LegendText = $"factorised bound, {group.Key}";
        }
        plot.Title("KL under depolarizing noise (trained and evaluated with noise)");
        plot.XLabel("depolarizing probability p per gate and qubit");
        plot.YLabel("KL (nats)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }

    private static Plot KlAgainstDimension(List<ExperimentResult> scaling, List<ExperimentResult> table)
    {
        var plot = new Plot();
        foreach (var group in scaling.GroupBy(r => r.Label))
        {
            var ordered = group.OrderBy(r => r.Bits).ToList();
            var line = plot.Add.Scatter(ordered.Select(r => (double)r.Bits).ToArray(), ordered.Select(r => r.ExactKl ?? r.Kl).ToArray());
            line.LegendText = $"{group.Key}, ghz:N";
        }
        var bounds = scaling.GroupBy(r => r.Bits).OrderBy(g => g.Key).ToList();
        var bound = plot.Add.Scatter(bounds.Select(g => (double)g.Key).ToArray(), bounds.Select(g => g.First().FactorisedBound).ToArray());
        bound.LegendText = "factorised bound (N-1) ln 2";
        bound.LinePattern = LinePattern.Dashed;
        foreach (var group in table.Where(r => r.Dataset.StartsWith("bas:", StringComparison.Ordinal)).GroupBy(r => r.Label))
        {
            var ordered = group.OrderBy(r => r.Bits).ToList();
            var points = plot.Add.ScatterPoints(ordered.Select(r => (double)r.Bits).ToArray(), ordered.Select(r => r.ExactKl ?? r.Kl).ToArray());
            points.LegendText = $"{group.Key}, BAS";
            points.MarkerSize = 9;
        }
        plot.Title("KL against dimension N: factorised models grow linearly, QD3PM does not");
        plot.XLabel("bits N");
        plot.YLabel("KL (nats)");
        plot.ShowLegend(Alignment.UpperLeft);
        return plot;
    }
}
