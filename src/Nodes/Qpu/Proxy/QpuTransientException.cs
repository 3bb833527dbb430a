namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>A QPU call or job that may succeed when repeated (unreachable service, injected failure, passed deadline).</summary>
public sealed class QpuTransientException(string message, Exception? inner = null) : Exception(message, inner);
