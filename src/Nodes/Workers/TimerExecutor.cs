using System.Diagnostics;
using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// A simulated worker for scale benchmarks (`qd3pm bench cluster --simulated-workers`): every item waits a fixed time
/// on a timer, using no CPU, then returns the problem's own (cheap, deterministic) gradient. Hundreds of these fit on a
/// 2-core machine, so the coordinator's cost per item can be measured at cluster sizes the machine cannot simulate.
/// It reports kind "simulator" so runs with the default backend policy use it like a real simulator.
/// </summary>
public sealed class TimerExecutor : IWorkItemExecutor
{
    private readonly double _itemMs;
    private double _overshootMs; // running estimate (the machine's load changes the timer's lateness)

    /// <param name="itemTime">How long an item should take, timer overshoot included.</param>
    /// <param name="overshoot">The timer's measured mean overshoot (<see cref="CalibrateOvershootAsync"/>), waited less.</param>
    /// <param name="capacity">Items it runs at once: the cores of the node it stands for.</param>
    public TimerExecutor(TimeSpan itemTime, TimeSpan overshoot, int capacity = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _itemMs = itemTime.TotalMilliseconds;
        _overshootMs = overshoot.TotalMilliseconds;
        Capacity = capacity;
    }

    public string Kind => WorkerKinds.Simulator;

    public int Capacity { get; }

    public async Task<SampleGradient> ExecuteAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken)
    {
        // Calibrated: wait the item time less the timer's recent mean lateness, and learn from this item's lateness.
        var wait = Math.Max(0, _itemMs - Volatile.Read(ref _overshootMs));
        var start = Stopwatch.GetTimestamp();
        if (wait > 0)
            await Task.Delay(TimeSpan.FromMilliseconds(wait), cancellationToken).ConfigureAwait(false);
        var late = Stopwatch.GetElapsedTime(start).TotalMilliseconds - wait;
        Volatile.Write(ref _overshootMs, Math.Clamp(0.8 * Volatile.Read(ref _overshootMs) + 0.2 * late, 0, _itemMs));
        return problem.Evaluate(item.Parameters.ToArray(), item.Id.Step, item.Id.Sample, new ParameterRange(item.BlockStart, item.BlockEnd),
            (GradientMethod)item.Method);
    }

    /// <summary>
    /// Mean amount by which Task.Delay(<paramref name="itemTime"/>) overshoots on this machine now (timers fire late
    /// by up to a tick): the executor waits that much less so items take <paramref name="itemTime"/> on average.
    /// </summary>
    public static async Task<TimeSpan> CalibrateOvershootAsync(TimeSpan itemTime, int samples = 10)
    {
        double total = 0;
        for (int i = 0; i < samples; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await Task.Delay(itemTime).ConfigureAwait(false);
            total += Stopwatch.GetElapsedTime(start).TotalMilliseconds - itemTime.TotalMilliseconds;
        }
        return TimeSpan.FromMilliseconds(Math.Max(0, total / samples));
    }
}
