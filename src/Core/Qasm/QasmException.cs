namespace QD3PM.Core.Qasm;

/// <summary>
/// A problem in an OpenQASM 2.0 program, at a 1-based line and column. <see cref="Exception.Message"/> is the bare
/// description; <see cref="ToString(string)"/> formats the `FILE:LINE:COL: message` line users see.
/// </summary>
public sealed class QasmException(int line, int column, string message) : Exception(message)
{
    public int Line { get; } = line;
    public int Column { get; } = column;

    /// <summary>`file:line:col: message` (or `line:col: message` without a file name).</summary>
    public string ToString(string? fileName) =>
        string.IsNullOrEmpty(fileName) ? $"{Line}:{Column}: {Message}" : $"{fileName}:{Line}:{Column}: {Message}";

    public override string ToString() => ToString(null);
}
