using QD3PM.Core.Training;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// The kinds of worker (what an <see cref="IWorkItemExecutor"/> reports; the node role that runs it has the same
/// name) and which kinds a run's <see cref="BackendPolicy"/> admits. The one place that knows them.
/// </summary>
public static class WorkerKinds
{
    /// <summary>Evaluates items on this node's state-vector simulator.</summary>
    public const string Simulator = "simulator";

    /// <summary>Sends an item's circuits to a (cloud or emulated) QPU.</summary>
    public const string QpuProxy = "qpu-proxy";

    /// <summary>May a worker of <paramref name="kind"/> take an item whose policy is named <paramref name="policy"/> (empty: sim-only)?</summary>
    public static bool Accepts(string? policy, string kind) => string.IsNullOrEmpty(policy)
        ? kind != QpuProxy
        : Accepts(SpecNames.Parse<BackendPolicy>(policy, "backend policy"), kind);

    public static bool Accepts(BackendPolicy policy, string kind) => policy switch
    {
        BackendPolicy.Mixed or BackendPolicy.Cheapest => true,
        BackendPolicy.QpuOnly => kind == QpuProxy,
        _ => kind != QpuProxy,
    };
}
