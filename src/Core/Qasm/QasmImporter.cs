using QD3PM.Core.Circuits;

namespace QD3PM.Core.Qasm;

/// <summary>Reads OpenQASM 2.0 programs into <see cref="Circuit"/>s (see <see cref="QasmParser"/> for what is supported).</summary>
public static class QasmImporter
{
    /// <summary>Parses a program; throws only <see cref="QasmException"/> on bad input.</summary>
    public static Circuit Parse(string text, QasmImportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new QasmParser(text, options ?? QasmImportOptions.Default).ParseProgram();
    }
}
