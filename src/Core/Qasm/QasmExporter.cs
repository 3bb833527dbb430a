using System.Globalization;
using System.Text;
using QD3PM.Core.Circuits;

namespace QD3PM.Core.Qasm;

/// <summary>
/// Writes a <see cref="Circuit"/> as OpenQASM 2.0 over one register pair `qreg q[n]; creg c[m];`, using the names of
/// Qiskit's qelib1.inc. Angles are written round-trip exact ("R"), so import(export(c)) simulates exactly like c.
/// The model's ZZ(θ) = exp(-iθ Z⊗Z) becomes rzz(2θ); ryy and rzx, which qelib1.inc lacks, get gate definitions.
/// </summary>
public static class QasmExporter
{
    private const string RyyDefinition =
        "gate ryy(theta) a,b { rx(pi/2) a; rx(pi/2) b; cx a,b; rz(theta) b; cx a,b; rx(-pi/2) a; rx(-pi/2) b; }";
    private const string RzxDefinition =
        "gate rzx(theta) a,b { h b; cx a,b; rz(theta) b; cx a,b; h b; }";

    public static string Export(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        var text = new StringBuilder();
        text.Append("OPENQASM 2.0;\ninclude \"qelib1.inc\";\n");
        if (circuit.Operations.Any(o => o.Kind == GateKind.RYY)) text.Append(RyyDefinition).Append('\n');
        if (circuit.Operations.Any(o => o.Kind == GateKind.RZX)) text.Append(RzxDefinition).Append('\n');
        if (circuit.QubitCount > 0) text.Append(CultureInfo.InvariantCulture, $"qreg q[{circuit.QubitCount}];\n");
        if (circuit.ClbitCount > 0) text.Append(CultureInfo.InvariantCulture, $"creg c[{circuit.ClbitCount}];\n");
        foreach (var op in circuit.Operations) AppendOperation(text, op);
        return text.ToString();
    }

    private static void AppendOperation(StringBuilder text, Operation op)
    {
        switch (op.Kind)
        {
            case GateKind.Measure:
                text.Append(CultureInfo.InvariantCulture, $"measure q[{op.Qubits[0]}] -> c[{op.Clbits[0]}];\n");
                return;
            case GateKind.Barrier when op.Qubits.Length == 0:
                return; // "barrier;" is not valid OpenQASM 2.0 and has no effect anyway
        }
        string name = op.Kind == GateKind.ZZ ? "rzz" : GateInfo.QasmName(op.Kind);
        text.Append(name);
        if (op.Parameters.Length > 0)
        {
            text.Append('(');
            for (int i = 0; i < op.Parameters.Length; i++)
            {
                if (i > 0) text.Append(',');
                // exp(-iθ ZZ) = rzz(2θ); doubling is exact in binary floating point.
                double value = op.Kind == GateKind.ZZ ? 2 * op.Parameters[i] : op.Parameters[i];
                text.Append(FormatNumber(value));
            }
            text.Append(')');
        }
        text.Append(' ');
        for (int i = 0; i < op.Qubits.Length; i++)
        {
            if (i > 0) text.Append(',');
            text.Append(CultureInfo.InvariantCulture, $"q[{op.Qubits[i]}]");
        }
        text.Append(";\n");
    }

    /// <summary>Round-trip decimal text; QASM has no literals for NaN or infinity, so those are refused.</summary>
    private static string FormatNumber(double value)
    {
        if (!double.IsFinite(value)) throw new ArgumentException($"cannot export the non-finite angle {value}");
        string s = value.ToString("R", CultureInfo.InvariantCulture);
        return s;
    }
}
