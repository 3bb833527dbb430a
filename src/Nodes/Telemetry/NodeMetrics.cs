using System.Diagnostics.Metrics;

namespace QD3PM.Nodes.Telemetry;

/// <summary>
/// The node's OpenTelemetry meter "QD3PM" (exported as Prometheus text on `qd3pm node --metrics-port`). Names follow
/// OpenTelemetry conventions; the Prometheus exporter turns "qd3pm.steps" into qd3pm_steps_total and so on.
/// Recording is cheap when nobody listens, so actors record unconditionally.
/// </summary>
public static class NodeMetrics
{
    public const string MeterName = "QD3PM";

    private static readonly Meter Meter = new(MeterName, "1.0");

    // Seconds from 1 ms to 10 min: a simulator item takes milliseconds, a QPU job queued in the cloud minutes.
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    /// <summary>Optimizer steps completed (coordinator node), per run.</summary>
    public static readonly Counter<long> Steps = Meter.CreateCounter<long>("qd3pm.steps", "{step}", "Optimizer steps completed");

    /// <summary>Circuit evaluations done by this node's workers (rate() of it: evaluations per second).</summary>
    public static readonly Counter<long> CircuitEvaluations = Meter.CreateCounter<long>("qd3pm.circuit.evaluations", "{evaluation}", "Circuit evaluations by this node's workers");

    /// <summary>Work items finished by this node's workers.</summary>
    public static readonly Counter<long> ItemsDone = Meter.CreateCounter<long>("qd3pm.items.done", "{item}", "Work items finished by this node's workers");

    /// <summary>Work items that failed on this node's workers (each goes back to the queue unless permanent).</summary>
    public static readonly Counter<long> ItemFailures = Meter.CreateCounter<long>("qd3pm.items.failures", "{item}", "Work items that failed on this node's workers");

    /// <summary>Items put back into the coordinator's queue (worker lost, failed, deadline passed, drained).</summary>
    public static readonly Counter<long> Retries = Meter.CreateCounter<long>("qd3pm.items.retries", "{item}", "Work items re-queued by the coordinator");

    /// <summary>Time an item waited in the coordinator's queue before a worker took it.</summary>
    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("qd3pm.queue.wait", "s", "Time a work item waited in the coordinator's queue", tags: null, advice: Seconds);

    /// <summary>Executor time per item on this node's workers.</summary>
    public static readonly Histogram<double> ItemLatency = Meter.CreateHistogram<double>("qd3pm.item.duration", "s", "Executor time per work item", tags: null, advice: Seconds);

    /// <summary>Time from persisting a step event to the journal's confirmation.</summary>
    public static readonly Histogram<double> JournalLatency = Meter.CreateHistogram<double>("qd3pm.journal.write", "s", "Journal write latency of step events", tags: null, advice: Seconds);
}
