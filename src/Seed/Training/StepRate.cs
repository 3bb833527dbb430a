namespace QD3PM.Seed.Training;

/// <summary>
/// Steps per second over the last <see cref="Window"/> of progress reports, for the progress line and its ETA. The
/// average since the start would carry node start-up and JIT warm-up (the first seconds of a small model run at a
/// fraction of its speed) for the whole run, so it shows a rate the run no longer has and an ETA that is too long.
/// </summary>
public sealed class StepRate
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(5);

    private readonly Queue<(double Seconds, long Step)> _reports = new();

    /// <summary>Records that <paramref name="step"/> was reached at <paramref name="seconds"/> (non-decreasing) and returns the rate.</summary>
    public double Update(long step, double seconds)
    {
        _reports.Enqueue((seconds, step));
        // keep the newest report at or before the window's start, so the rate spans the whole window
        while (_reports.Count > 2 && seconds - _reports.ElementAt(1).Seconds >= Window.TotalSeconds)
            _reports.Dequeue();
        var (firstSeconds, firstStep) = _reports.Peek();
        double span = seconds - firstSeconds;
        return span > 0 ? (step - firstStep) / span : 0;
    }
}
