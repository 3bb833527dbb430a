namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>
/// A QPU call or job that may succeed when repeated with the same idempotency key (the job failed transiently or was
/// cancelled, a watch stream ended early, a result was incomplete). <see cref="JobFailed"/>: the QPU reported the job
/// failed transiently, an expected event on real hardware that is counted, not logged.
/// </summary>
public sealed class QpuTransientException(string message, bool jobFailed = false) : Exception(message)
{
    public bool JobFailed { get; } = jobFailed;
}
