namespace QD3PM.Nodes.Configuration;

/// <summary>The journal database cannot be opened or is damaged; the message is one line for the user.</summary>
public sealed class JournalUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
