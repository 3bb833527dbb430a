namespace QD3PM.Nodes.Hosting;

/// <summary>A port the node must listen on is taken by another process; the node refused to start (nothing was joined).</summary>
public sealed class PortInUseException(string message) : Exception(message);
