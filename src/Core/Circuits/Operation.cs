namespace QD3PM.Core.Circuits;

/// <summary>
/// One instruction of a <see cref="Circuit"/>: a gate with its qubits (controls first, targets last) and angles,
/// or a measure (with <see cref="Clbits"/>), reset or barrier.
/// </summary>
public sealed record Operation(GateKind Kind, int[] Qubits, double[] Parameters)
{
    /// <summary>Classical bits written by <see cref="GateKind.Measure"/> (one per qubit); empty otherwise.</summary>
    public int[] Clbits { get; init; } = [];

    /// <summary>A gate without parameters.</summary>
    public static Operation Gate(GateKind kind, params int[] qubits) => new(kind, qubits, []);

    /// <summary>A one-angle gate (RX, CRZ, ZZ, ...).</summary>
    public static Operation Rotation(GateKind kind, double angle, params int[] qubits) => new(kind, qubits, [angle]);

    /// <summary>A gate with several parameters (U2, U3, CU3, CU).</summary>
    public static Operation WithParameters(GateKind kind, double[] parameters, params int[] qubits) =>
        new(kind, qubits, parameters);

    public static Operation Measure(int qubit, int clbit) =>
        new(GateKind.Measure, [qubit], []) { Clbits = [clbit] };

    public static Operation Reset(int qubit) => new(GateKind.Reset, [qubit], []);

    public static Operation Barrier(params int[] qubits) => new(GateKind.Barrier, qubits, []);

    /// <summary>Checks arity, parameter count and that the qubits are distinct and below <paramref name="qubitCount"/>.</summary>
    public void Validate(int qubitCount)
    {
        int arity = GateInfo.QubitCount(Kind);
        if (arity != GateInfo.AnyQubitCount && Qubits.Length != arity)
            throw new ArgumentException($"{GateInfo.QasmName(Kind)} takes {arity} qubit(s), got {Qubits.Length}");
        int parameters = GateInfo.ParameterCount(Kind);
        if (Parameters.Length != parameters)
            throw new ArgumentException($"{GateInfo.QasmName(Kind)} takes {parameters} parameter(s), got {Parameters.Length}");
        for (int i = 0; i < Qubits.Length; i++)
        {
            if ((uint)Qubits[i] >= (uint)qubitCount)
                throw new ArgumentOutOfRangeException(nameof(Qubits),
                    $"{GateInfo.QasmName(Kind)}: qubit {Qubits[i]} out of range 0..{qubitCount - 1}");
            for (int j = 0; j < i; j++)
                if (Qubits[j] == Qubits[i])
                    throw new ArgumentException($"{GateInfo.QasmName(Kind)}: qubit {Qubits[i]} used twice");
        }
    }

    public override string ToString()
    {
        string name = GateInfo.QasmName(Kind);
        string args = Parameters.Length == 0 ? "" : "(" + string.Join(",", Parameters.Select(p => p.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + ")";
        return $"{name}{args} {string.Join(",", Qubits.Select(q => $"q[{q}]"))}";
    }
}
