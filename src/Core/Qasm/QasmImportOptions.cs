namespace QD3PM.Core.Qasm;

/// <summary>Limits that keep a hostile or mistaken file from exhausting memory while it is being read.</summary>
public sealed record QasmImportOptions
{
    public static QasmImportOptions Default { get; } = new();

    /// <summary>Most qubits (all qregs together) a program may declare.</summary>
    public int MaxQubits { get; init; } = 1024;

    /// <summary>Most classical bits (all cregs together).</summary>
    public int MaxClbits { get; init; } = 1 << 20;

    /// <summary>Most operations after expanding user gates and broadcasting (nested gates can grow exponentially).</summary>
    public int MaxOperations { get; init; } = 5_000_000;
}
