using QD3PM.Protocol.Cluster;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace QD3PM.Seed.Ops;

/// <summary>How a run and the workers serving it are shown (`runs list|show|watch`, `top`) and their JSON shape.</summary>
public static class RunView
{
    /// <summary>Seconds the run has been stepping (submission to its last step).</summary>
    public static double ElapsedSeconds(RunStatus s) =>
        s.UpdatedUnixMs > s.SubmittedUnixMs ? (s.UpdatedUnixMs - s.SubmittedUnixMs) / 1000.0 : 0;

    public static double CircuitsPerSecond(RunStatus s) => ElapsedSeconds(s) is > 0 and var e ? s.CircuitEvaluations / e : 0;

    /// <summary>Remaining steps at the mean pace so far; NaN before the first step or after the end.</summary>
    public static double EtaSeconds(RunStatus s) =>
        s.State is RunState.Running && s.Step > 0 && s.Step < s.TotalSteps ? ElapsedSeconds(s) / s.Step * (s.TotalSteps - s.Step) : double.NaN;

    public static object Json(RunStatus s) => new
    {
        runId = s.RunId, state = Format.State(s.State), step = s.Step, totalSteps = s.TotalSteps,
        loss = double.IsNaN(s.Loss) ? (double?)null : s.Loss, circuitEvaluations = s.CircuitEvaluations,
        circuitsPerSecond = Math.Round(CircuitsPerSecond(s), 2), etaSeconds = double.IsNaN(EtaSeconds(s)) ? (double?)null : Math.Round(EtaSeconds(s), 1),
        kl = s.HasKl ? s.Kl : (double?)null,
        itemsOutstanding = s.ItemsOutstanding, error = s.Error.Length == 0 ? null : s.Error,
        qpuShots = s.QpuShots, qpuCost = s.QpuCost,
        qpuBudget = new { maxShots = s.Budget?.HasMaxShots == true ? s.Budget.MaxShots : (long?)null, maxCost = s.Budget?.HasMaxCost == true ? s.Budget.MaxCost : (double?)null },
        submitted = s.SubmittedUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(s.SubmittedUnixMs) : (DateTimeOffset?)null,
        updated = s.UpdatedUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(s.UpdatedUnixMs) : (DateTimeOffset?)null,
    };

    public static object WorkersJson(WorkerList workers)
    {
        long total = workers.Workers.Sum(w => w.ItemsDone);
        return workers.Workers.Select(w => new
        {
            node = w.Node, kind = w.Kind, itemsDone = w.ItemsDone, failures = w.Failures, meanLatencyMs = Math.Round(w.MeanLatencyMs, 2),
            circuitEvaluations = w.CircuitEvaluations, held = w.Held, capacity = w.Capacity, reachable = w.Reachable, draining = w.Draining,
            share = total > 0 ? Math.Round((double)w.ItemsDone / total, 4) : 0,
        }).ToArray();
    }

    public static string StateMarkup(RunState state) => state switch
    {
        RunState.Running => "[green]running[/]",
        RunState.Paused => "[yellow]paused[/]",
        RunState.Completed => "[blue]completed[/]",
        RunState.Failed => "[red]failed[/]",
        RunState.Cancelled => "[grey]cancelled[/]",
        RunState.WaitingForJournal => "[yellow]waiting-for-journal[/]",
        RunState.BudgetExhausted => "[yellow]budget-exhausted[/]",
        _ => Format.State(state),
    };

    public static Table RunsTable(IEnumerable<RunStatus> runs)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]runs[/]");
        table.AddColumn("run");
        table.AddColumn("state");
        table.AddColumn(new TableColumn("step").RightAligned());
        table.AddColumn(new TableColumn("loss").RightAligned());
        table.AddColumn(new TableColumn("circuits/s").RightAligned());
        table.AddColumn(new TableColumn("ETA").RightAligned());
        int n = 0;
        foreach (var s in runs)
        {
            n++;
            table.AddRow(Markup.Escape(s.RunId), StateMarkup(s.State), $"{s.Step}/{s.TotalSteps}", Format.Number(s.Loss, "0.######"),
                Format.Number(CircuitsPerSecond(s), "0.0"), Format.Duration(EtaSeconds(s)));
        }
        if (n == 0)
            table.AddRow("[grey]no runs[/]", "", "", "", "", "");
        return table;
    }

    /// <summary>One run in detail: progress bar line, numbers, and the per-worker table.</summary>
    public static IRenderable Detail(RunStatus s, WorkerList workers)
    {
        var grid = new Grid().AddColumn().AddColumn();
        grid.AddRow("[bold]run[/]", Markup.Escape(s.RunId));
        grid.AddRow("[bold]state[/]", StateMarkup(s.State) + (s.Error.Length > 0 ? " " + Markup.Escape(s.Error) : ""));
        grid.AddRow("[bold]step[/]", $"{s.Step} of {s.TotalSteps} ({(s.TotalSteps > 0 ? 100.0 * s.Step / s.TotalSteps : 0):0.#}%)");
        grid.AddRow("[bold]loss[/]", Format.Number(s.Loss, "0.########"));
        grid.AddRow("[bold]KL[/]", s.HasKl ? $"{Format.Number(s.Kl, "0.######")} (model at step {s.Step})" : "[grey]-[/]");
        grid.AddRow("[bold]circuits[/]", $"{s.CircuitEvaluations} ({Format.Number(CircuitsPerSecond(s), "0.0")}/s)");
        grid.AddRow("[bold]ETA[/]", Format.Duration(EtaSeconds(s)));
        grid.AddRow("[bold]items open[/]", s.ItemsOutstanding.ToString(System.Globalization.CultureInfo.InvariantCulture));
        grid.AddRow("[bold]QPU[/]", Markup.Escape(QD3PM.Nodes.Training.QpuRunBudget.Describe(s.Budget, s.QpuShots, s.QpuCost)));
        return new Rows(grid, WorkersTable(workers));
    }

    public static Table WorkersTable(WorkerList workers, IReadOnlyDictionary<string, double>? ratePerWorker = null)
    {
        long total = workers.Workers.Sum(w => w.ItemsDone);
        var table = new Table().Border(TableBorder.Rounded).Title("[bold]workers[/]");
        table.AddColumn("node");
        table.AddColumn("kind");
        table.AddColumn(new TableColumn("items done").RightAligned());
        table.AddColumn(new TableColumn("failures").RightAligned());
        table.AddColumn(new TableColumn("mean latency").RightAligned());
        table.AddColumn(new TableColumn("share").RightAligned());
        table.AddColumn(new TableColumn("held").RightAligned());
        if (ratePerWorker is not null)
            table.AddColumn(new TableColumn("circuits/s").RightAligned());
        table.AddColumn("state");
        foreach (var w in workers.Workers)
        {
            var state = !w.Reachable ? "[red]unreachable[/]" : w.Draining ? "[yellow]draining[/]" : "[green]ok[/]";
            var cells = new List<string>
            {
                Markup.Escape(w.Node), Markup.Escape(w.Kind), w.ItemsDone.ToString(System.Globalization.CultureInfo.InvariantCulture),
                w.Failures.ToString(System.Globalization.CultureInfo.InvariantCulture), Format.Number(w.MeanLatencyMs, "0.0") + " ms",
                total > 0 ? $"{100.0 * w.ItemsDone / total:0.#}%" : "-", $"{w.Held}/{w.Capacity}",
            };
            if (ratePerWorker is not null)
                cells.Add(Format.Number(ratePerWorker.GetValueOrDefault(w.Path), "0.0"));
            cells.Add(state);
            table.AddRow(cells.ToArray());
        }
        if (workers.Workers.Count == 0)
            table.AddRow(Enumerable.Repeat("", table.Columns.Count).Select((_, i) => i == 0 ? "[grey]no workers[/]" : "").ToArray());
        return table;
    }
}
