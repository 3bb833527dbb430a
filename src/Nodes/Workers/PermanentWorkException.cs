namespace QD3PM.Nodes.Workers;

/// <summary>
/// An item that can never succeed on any worker (e.g. a QPU budget that would be exceeded): the worker reports it as
/// permanent, so the run fails with this message instead of retrying.
/// </summary>
public sealed class PermanentWorkException(string message, Exception? inner = null) : Exception(message, inner);
