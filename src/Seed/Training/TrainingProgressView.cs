using Spectre.Console;

namespace QD3PM.Seed.Training;

/// <summary>
/// Shows training progress: a live Spectre.Console bar (step, loss, steps/s over the last seconds, ETA) on a terminal,
/// plain lines (at most one every two seconds, plus the last) when output is redirected.
/// </summary>
public sealed class TrainingProgressView
{
    private readonly bool _interactive = !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly StepRate _rate = new();
    private DateTime _lastLine = DateTime.MinValue;
    private ProgressTask? _task;

    /// <summary>Runs <paramref name="body"/> with a callback that reports (step, total, loss, extra text).</summary>
    public async Task<T> RunAsync<T>(Func<Action<long, long, double, string>, Task<T>> body)
    {
        if (!_interactive)
            return await body(ReportLine);
        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                _task = ctx.AddTask("training", maxValue: 1);
                result = await body(ReportBar);
            });
        return result;
    }

    private double Rate(long step) => _rate.Update(step, _clock.Elapsed.TotalSeconds);

    private void ReportBar(long step, long total, double loss, string extra)
    {
        double rate = Rate(step);
        _task!.MaxValue = Math.Max(1, total);
        _task.Value = step;
        _task.Description = Markup.Escape($"step {step}/{total}  loss {Loss(loss)}  {rate:F1} steps/s {extra}");
    }

    private void ReportLine(long step, long total, double loss, string extra)
    {
        double rate = Rate(step);
        if (step < total && DateTime.UtcNow - _lastLine < TimeSpan.FromSeconds(2)) return;
        _lastLine = DateTime.UtcNow;
        string eta = rate > 0 ? TimeSpan.FromSeconds((total - step) / rate).ToString(@"hh\:mm\:ss") : "--:--:--";
        Console.WriteLine($"step {step}/{total}  loss {Loss(loss)}  {rate:F1} steps/s  eta {eta} {extra}".TrimEnd());
    }

    /// <summary>No step has a loss before the first one completes: "-" rather than NaN.</summary>
    private static string Loss(double loss) => double.IsFinite(loss) ? loss.ToString("F5") : "-";
}
