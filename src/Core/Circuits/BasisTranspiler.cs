namespace QD3PM.Core.Circuits;

/// <summary>
/// Rewrites a circuit into a backend's basis gates (OpenQASM names). What the denoiser needs: the model's
/// ZZ(θ) = exp(-iθ Z⊗Z) and rzz become cx · rz(2θ | θ) · cx when rzz is not native. Gates already in the basis,
/// measure and barrier pass unchanged. Any other gate outside the basis, a register wider than the backend, or a
/// two-qubit gate on an uncoupled pair (there is no SWAP routing) is refused with <see cref="NotSupportedException"/>.
/// </summary>
public static class BasisTranspiler
{
    public static Circuit Transpile(Circuit circuit, IReadOnlyCollection<string> basis, int backendQubits,
        IReadOnlyCollection<(int Control, int Target)>? coupling = null)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(basis);
        if (circuit.QubitCount > backendQubits)
            throw new NotSupportedException($"the circuit needs {circuit.QubitCount} qubits, the backend has {backendQubits}");
        var names = new HashSet<string>(basis, StringComparer.OrdinalIgnoreCase);
        var output = new Circuit(circuit.QubitCount, circuit.ClbitCount);
        foreach (var op in circuit.Operations)
        {
            if (op.Kind is GateKind.Measure or GateKind.Barrier || names.Contains(NativeName(op.Kind)))
            {
                CheckCoupling(op, coupling);
                output.Add(op);
                continue;
            }
            if (op.Kind is GateKind.ZZ or GateKind.RZZ && names.Contains("cx") && names.Contains("rz"))
            {
                // exp(-i a/2 Z⊗Z) = CX(a,b) · RZ_b(a) · CX(a,b); ZZ(θ) is rzz(2θ).
                double angle = op.Kind == GateKind.ZZ ? 2 * op.Parameters[0] : op.Parameters[0];
                var cx = Operation.Gate(GateKind.CX, op.Qubits[0], op.Qubits[1]);
                CheckCoupling(cx, coupling);
                output.Add(cx);
                output.Add(Operation.Rotation(GateKind.RZ, angle, op.Qubits[1]));
                output.Add(Operation.Gate(GateKind.CX, op.Qubits[0], op.Qubits[1]));
                continue;
            }
            throw new NotSupportedException(
                $"gate {GateInfo.QasmName(op.Kind)} is not in the backend's basis ({string.Join(", ", basis)}) and has no rewrite into it");
        }
        return output;
    }

    /// <summary>The name a backend lists for a gate kind (the model's ZZ travels as rzz).</summary>
    public static string NativeName(GateKind kind) => kind == GateKind.ZZ ? "rzz" : GateInfo.QasmName(kind);

    private static void CheckCoupling(Operation op, IReadOnlyCollection<(int Control, int Target)>? coupling)
    {
        if (coupling is null || coupling.Count == 0 || op.Qubits.Length < 2 || op.Kind == GateKind.Barrier)
            return;
        if (op.Qubits.Length > 2)
            throw new NotSupportedException($"{GateInfo.QasmName(op.Kind)} acts on {op.Qubits.Length} qubits; the coupled backend takes at most two");
        int a = op.Qubits[0], b = op.Qubits[1];
        if (!coupling.Contains((a, b)) && !coupling.Contains((b, a)))
            throw new NotSupportedException($"qubits {a} and {b} are not coupled on the backend (no SWAP routing)");
    }
}
