namespace QD3PM.Core.Training;

/// <summary>
/// Which workers may compute a run's items (`--backend-policy`; JSON and CLI names sim-only, mixed, qpu-only, cheapest).
/// The worker kinds each policy admits are decided where work is handed out (QD3PM.Nodes.Workers.WorkerKinds).
/// </summary>
public enum BackendPolicy
{
    /// <summary>Simulator workers only: the default, so the determinism contract holds unless a run asks for a QPU.</summary>
    SimOnly,

    /// <summary>Any worker; the pull model shares the work by measured throughput.</summary>
    Mixed,

    /// <summary>QPU-proxy workers only.</summary>
    QpuOnly,

    /// <summary>
    /// Any worker, preferring the cheapest whose measured throughput keeps up: a priced worker (a QPU) takes an item only
    /// when the cheaper workers would not finish the backlog before it finishes one item (QD3PM.Nodes.Training.PriceAwareRouting).
    /// </summary>
    Cheapest,
}
