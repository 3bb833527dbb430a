namespace QD3PM.Core.Training;

/// <summary>
/// Which workers may compute a run's items (`--backend-policy`; JSON and CLI names sim-only, mixed, qpu-only).
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
}
