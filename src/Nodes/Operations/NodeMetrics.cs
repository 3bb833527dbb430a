using System.Diagnostics.Metrics;

namespace QD3PM.Nodes.Operations;

/// <summary>
/// The node's OpenTelemetry meter "QD3PM" (exported as Prometheus text on `qd3pm node --metrics-port`). Names follow
/// OpenTelemetry conventions; the Prometheus exporter turns "qd3pm.steps" into qd3pm_steps_total and so on.
/// Recording is cheap when nobody listens, so actors record unconditionally.
/// </summary>
public static class NodeMetrics
{
    public const string MeterName = "QD3PM";

    private static readonly Meter Meter = new(MeterName, "1.0");

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
    public static readonly Histogram<double> QueueWait = Meter.CreateHistogram<double>("qd3pm.queue.wait", "s", "Time a work item waited in the coordinator's queue");

    /// <summary>Executor time per item on this node's workers.</summary>
    public static readonly Histogram<double> ItemLatency = Meter.CreateHistogram<double>("qd3pm.item.duration", "s", "Executor time per work item");

    /// <summary>Time from persisting a step event to the journal's confirmation.</summary>
    public static readonly Histogram<double> JournalLatency = Meter.CreateHistogram<double>("qd3pm.journal.write", "s", "Journal write latency of step events");
}
