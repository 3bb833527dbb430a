namespace QD3PM.Nodes.Workers;

/// <summary>An item whose step the run has already left: the worker drops it without a result or a failure.</summary>
public sealed class StaleWorkItemException(string message) : Exception(message);
