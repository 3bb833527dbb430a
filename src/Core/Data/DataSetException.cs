namespace QD3PM.Core.Data;

/// <summary>A data set spec or file that cannot be used; the message names the spec, and the line for files.</summary>
public sealed class DataSetException(string message) : FormatException(message);
