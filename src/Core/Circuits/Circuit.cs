namespace QD3PM.Core.Circuits;

/// <summary>A register of qubits (and classical bits) and the operations applied to it, in order.</summary>
public sealed class Circuit
{
    private readonly List<Operation> _operations = [];

    public Circuit(int qubitCount, int clbitCount = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(qubitCount);
        ArgumentOutOfRangeException.ThrowIfNegative(clbitCount);
        QubitCount = qubitCount;
        ClbitCount = clbitCount;
    }

    public int QubitCount { get; }
    public int ClbitCount { get; }
    public IReadOnlyList<Operation> Operations => _operations;

    /// <summary>Appends an operation after checking its arity, parameters and qubit (and clbit) indices.</summary>
    public void Add(Operation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        operation.Validate(QubitCount);
        foreach (int c in operation.Clbits)
            if ((uint)c >= (uint)ClbitCount)
                throw new ArgumentOutOfRangeException(nameof(operation), $"clbit {c} out of range 0..{ClbitCount - 1}");
        _operations.Add(operation);
    }

    public Circuit Gate(GateKind kind, params int[] qubits) { Add(Operation.Gate(kind, qubits)); return this; }
    public Circuit Rotation(GateKind kind, double angle, params int[] qubits) { Add(Operation.Rotation(kind, angle, qubits)); return this; }

    public Circuit Id(int q) => Gate(GateKind.Id, q);
    public Circuit X(int q) => Gate(GateKind.X, q);
    public Circuit Y(int q) => Gate(GateKind.Y, q);
    public Circuit Z(int q) => Gate(GateKind.Z, q);
    public Circuit H(int q) => Gate(GateKind.H, q);
    public Circuit S(int q) => Gate(GateKind.S, q);
    public Circuit Sdg(int q) => Gate(GateKind.Sdg, q);
    public Circuit T(int q) => Gate(GateKind.T, q);
    public Circuit Tdg(int q) => Gate(GateKind.Tdg, q);
    public Circuit Sx(int q) => Gate(GateKind.SX, q);
    public Circuit Rx(int q, double theta) => Rotation(GateKind.RX, theta, q);
    public Circuit Ry(int q, double theta) => Rotation(GateKind.RY, theta, q);
    public Circuit Rz(int q, double theta) => Rotation(GateKind.RZ, theta, q);
    public Circuit P(int q, double lambda) => Rotation(GateKind.P, lambda, q);
    public Circuit U3(int q, double theta, double phi, double lambda) { Add(Operation.WithParameters(GateKind.U3, [theta, phi, lambda], q)); return this; }
    public Circuit Cx(int control, int target) => Gate(GateKind.CX, control, target);
    public Circuit Cy(int control, int target) => Gate(GateKind.CY, control, target);
    public Circuit Cz(int control, int target) => Gate(GateKind.CZ, control, target);
    public Circuit Ch(int control, int target) => Gate(GateKind.CH, control, target);
    public Circuit Swap(int a, int b) => Gate(GateKind.Swap, a, b);
    public Circuit Crx(int control, int target, double theta) => Rotation(GateKind.CRX, theta, control, target);
    public Circuit Cry(int control, int target, double theta) => Rotation(GateKind.CRY, theta, control, target);
    public Circuit Crz(int control, int target, double theta) => Rotation(GateKind.CRZ, theta, control, target);
    public Circuit Cp(int control, int target, double lambda) => Rotation(GateKind.CP, lambda, control, target);
    public Circuit Rxx(int a, int b, double theta) => Rotation(GateKind.RXX, theta, a, b);
    public Circuit Ryy(int a, int b, double theta) => Rotation(GateKind.RYY, theta, a, b);
    public Circuit Rzz(int a, int b, double theta) => Rotation(GateKind.RZZ, theta, a, b);
    public Circuit Rzx(int a, int b, double theta) => Rotation(GateKind.RZX, theta, a, b);

    /// <summary>The model's entangler exp(-i θ Z⊗Z).</summary>
    public Circuit Zz(int a, int b, double theta) => Rotation(GateKind.ZZ, theta, a, b);

    public Circuit Ccx(int c1, int c2, int target) => Gate(GateKind.CCX, c1, c2, target);
    public Circuit Cswap(int control, int a, int b) => Gate(GateKind.CSwap, control, a, b);
    public Circuit Measure(int qubit, int clbit) { Add(Operation.Measure(qubit, clbit)); return this; }
    public Circuit Reset(int qubit) { Add(Operation.Reset(qubit)); return this; }
    public Circuit Barrier(params int[] qubits) { Add(Operation.Barrier(qubits)); return this; }
}
