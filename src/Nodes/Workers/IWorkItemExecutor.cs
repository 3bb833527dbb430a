using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// Computes work items for a <see cref="WorkerActor"/>: the simulator executor evaluates on this node's cores, a
/// QPU-proxy executor sends circuits to a (cloud or emulated) QPU. The worker handles pulling, retries by the
/// coordinator and caching of the run's problem; an executor only computes.
/// </summary>
public interface IWorkItemExecutor
{
    /// <summary>Worker kind reported to the coordinator ("simulator", "qpu-proxy", ...).</summary>
    string Kind { get; }

    /// <summary>How many items this executor runs concurrently (the worker asks for that many).</summary>
    int Capacity { get; }

    /// <summary>
    /// True when items given beyond <see cref="Capacity"/> wait in the executor's own queue and start the moment a
    /// thread is free: the worker then hands it every item it holds, so a core never idles for the round trip through
    /// the worker actor between two items. False when every item given starts at once (a QPU proxy's jobs).
    /// </summary>
    bool QueuesBeyondCapacity => false;

    Task<SampleGradient> ExecuteAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken);
}
