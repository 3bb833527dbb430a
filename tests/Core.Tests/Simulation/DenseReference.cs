using MathNet.Numerics.LinearAlgebra;
using QD3PM.Core.Circuits;
using Complex = System.Numerics.Complex;

namespace QD3PM.Core.Tests.Simulation;

/// <summary>
/// Gate matrices written independently from first principles with MathNet Kronecker products, and their embedding
/// into an n-qubit register (I ⊗ local, then a qubit permutation). The simulator is checked against these.
/// </summary>
internal static class DenseReference
{
    private static readonly MatrixBuilder<Complex> M = Matrix<Complex>.Build;
    private static readonly Complex I1 = Complex.ImaginaryOne;

    public static Matrix<Complex> Id2 => M.DenseIdentity(2);
    public static Matrix<Complex> PauliX => M.DenseOfArray(new Complex[,] { { 0, 1 }, { 1, 0 } });
    public static Matrix<Complex> PauliY => M.DenseOfArray(new Complex[,] { { 0, -I1 }, { I1, 0 } });
    public static Matrix<Complex> PauliZ => M.DenseOfArray(new Complex[,] { { 1, 0 }, { 0, -1 } });
    public static Matrix<Complex> Hadamard => (PauliX + PauliZ) / Math.Sqrt(2);
    public static Matrix<Complex> Phase(double l) => M.DenseOfArray(new Complex[,] { { 1, 0 }, { 0, Complex.Exp(I1 * l) } });

    /// <summary>exp(-i θ/2 G) for a Pauli string G (G² = I).</summary>
    public static Matrix<Complex> PauliRotation(Matrix<Complex> g, double theta) =>
        M.DenseIdentity(g.RowCount) * Math.Cos(theta / 2) - g * (I1 * Math.Sin(theta / 2));

    public static Matrix<Complex> Rx(double t) => PauliRotation(PauliX, t);
    public static Matrix<Complex> Ry(double t) => PauliRotation(PauliY, t);
    public static Matrix<Complex> Rz(double t) => PauliRotation(PauliZ, t);

    // Qiskit: U3(θ,φ,λ) = e^{i(φ+λ)/2} RZ(φ) RY(θ) RZ(λ).
    public static Matrix<Complex> U3(double t, double p, double l) => Rz(p) * Ry(t) * Rz(l) * Complex.Exp(I1 * (p + l) / 2);

    // sqrt(X) = H S H.
    public static Matrix<Complex> Sx => Hadamard * Phase(Math.PI / 2) * Hadamard;

    /// <summary>Kronecker product with the first factor on the highest local bit.</summary>
    public static Matrix<Complex> Kron(params Matrix<Complex>[] factors) =>
        factors.Skip(1).Aggregate(factors[0], (acc, f) => acc.KroneckerProduct(f));

    /// <summary>U on the top local bit controlled by all c low bits: U ⊗ |1..1><1..1| + I ⊗ (I - |1..1><1..1|).</summary>
    public static Matrix<Complex> Controlled(Matrix<Complex> u, int controls)
    {
        int dim = 1 << controls;
        var allOnes = M.Dense(dim, dim);
        allOnes[dim - 1, dim - 1] = 1;
        return Kron(u, allOnes) + Kron(M.DenseIdentity(u.RowCount), M.DenseIdentity(dim) - allOnes);
    }

    public static Matrix<Complex> SwapMatrix =>
        (M.DenseIdentity(4) + Kron(PauliX, PauliX) + Kron(PauliY, PauliY) + Kron(PauliZ, PauliZ)) / 2;

    /// <summary>The local matrix of a gate, local bit j = Qubits[j].</summary>
    public static Matrix<Complex> Local(GateKind kind, double[] p) => kind switch
    {
        GateKind.Id => Id2,
        GateKind.X => PauliX,
        GateKind.Y => PauliY,
        GateKind.Z => PauliZ,
        GateKind.H => Hadamard,
        GateKind.S => Phase(Math.PI / 2),
        GateKind.Sdg => Phase(-Math.PI / 2),
        GateKind.T => Phase(Math.PI / 4),
        GateKind.Tdg => Phase(-Math.PI / 4),
        GateKind.SX => Sx,
        GateKind.SXdg => Sx.ConjugateTranspose(),
        GateKind.RX => Rx(p[0]),
        GateKind.RY => Ry(p[0]),
        GateKind.RZ => Rz(p[0]),
        GateKind.P => Phase(p[0]),
        GateKind.U2 => U3(Math.PI / 2, p[0], p[1]),
        GateKind.U3 => U3(p[0], p[1], p[2]),
        GateKind.CX => Controlled(PauliX, 1),
        GateKind.CY => Controlled(PauliY, 1),
        GateKind.CZ => Controlled(PauliZ, 1),
        GateKind.CH => Controlled(Hadamard, 1),
        GateKind.CSX => Controlled(Sx, 1),
        GateKind.Swap => SwapMatrix,
        GateKind.CRX => Controlled(Rx(p[0]), 1),
        GateKind.CRY => Controlled(Ry(p[0]), 1),
        GateKind.CRZ => Controlled(Rz(p[0]), 1),
        GateKind.CP => Controlled(Phase(p[0]), 1),
        GateKind.CU3 => Controlled(U3(p[0], p[1], p[2]), 1),
        GateKind.CU => Controlled(U3(p[0], p[1], p[2]) * Complex.Exp(I1 * p[3]), 1),
        GateKind.RXX => PauliRotation(Kron(PauliX, PauliX), p[0]),
        GateKind.RYY => PauliRotation(Kron(PauliY, PauliY), p[0]),
        GateKind.RZZ => PauliRotation(Kron(PauliZ, PauliZ), p[0]),
        GateKind.RZX => PauliRotation(Kron(PauliX, PauliZ), p[0]), // Z on the first qubit (low bit), X on the second
        GateKind.ZZ => PauliRotation(Kron(PauliZ, PauliZ), 2 * p[0]),
        GateKind.CCX => Controlled(PauliX, 2),
        GateKind.CSwap => Controlled(SwapMatrix, 1),
        GateKind.C3X => Controlled(PauliX, 3),
        GateKind.C3SX => Controlled(Sx, 3),
        GateKind.C4X => Controlled(PauliX, 4),
        GateKind.RCCX => Rccx(),
        GateKind.RC3X => Rc3x(),
        _ => throw new ArgumentException($"no reference for {kind}"),
    };

    // qelib1.inc: gate rccx a,b,c { u2(0,pi) c; u1(pi/4) c; cx b,c; u1(-pi/4) c; cx a,c; u1(pi/4) c; cx b,c; u1(-pi/4) c; u2(0,pi) c; }
    private static Matrix<Complex> Rccx()
    {
        var h = U3(Math.PI / 2, 0, Math.PI);
        double q = Math.PI / 4;
        var steps = new (Matrix<Complex> G, int[] Qubits)[]
        {
            (h, [2]), (Phase(q), [2]), (Controlled(PauliX, 1), [1, 2]), (Phase(-q), [2]), (Controlled(PauliX, 1), [0, 2]),
            (Phase(q), [2]), (Controlled(PauliX, 1), [1, 2]), (Phase(-q), [2]), (h, [2]),
        };
        return Product(3, steps);
    }

    // qelib1.inc rc3x a,b,c,d.
    private static Matrix<Complex> Rc3x()
    {
        var h = U3(Math.PI / 2, 0, Math.PI);
        var cx = Controlled(PauliX, 1);
        double q = Math.PI / 4;
        var steps = new (Matrix<Complex> G, int[] Qubits)[]
        {
            (h, [3]), (Phase(q), [3]), (cx, [2, 3]), (Phase(-q), [3]), (h, [3]), (cx, [0, 3]), (Phase(q), [3]),
            (cx, [1, 3]), (Phase(-q), [3]), (cx, [0, 3]), (Phase(q), [3]), (cx, [1, 3]), (Phase(-q), [3]), (h, [3]),
            (Phase(q), [3]), (cx, [2, 3]), (Phase(-q), [3]), (h, [3]),
        };
        return Product(4, steps);
    }

    private static Matrix<Complex> Product(int n, (Matrix<Complex> G, int[] Qubits)[] steps) =>
        steps.Aggregate(M.DenseIdentity(1 << n), (acc, s) => Embed(n, s.Qubits, s.G) * acc);

    /// <summary>The n-qubit operator of a local matrix on the given qubits: Pᵀ (I ⊗ local) P.</summary>
    public static Matrix<Complex> Embed(int n, int[] qubits, Matrix<Complex> local)
    {
        int m = qubits.Length;
        var wide = Kron(M.DenseIdentity(1 << (n - m)), local);
        var rest = Enumerable.Range(0, n).Except(qubits).ToArray();
        int dim = 1 << n;
        var perm = M.Dense(dim, dim);
        for (int i = 0; i < dim; i++)
        {
            int j = 0;
            for (int b = 0; b < m; b++) j |= ((i >> qubits[b]) & 1) << b;
            for (int b = 0; b < rest.Length; b++) j |= ((i >> rest[b]) & 1) << (m + b);
            perm[j, i] = 1;
        }
        return perm.Transpose() * wide * perm;
    }

    public static Vector<Complex> RandomState(int n, Random rng)
    {
        var v = Vector<Complex>.Build.Dense(1 << n, _ => new Complex(Gaussian(rng), Gaussian(rng)));
        return v / v.L2Norm();
    }

    /// <summary>A simulator state holding <see cref="RandomState"/>, with the given kernel options.</summary>
    public static QD3PM.Core.Simulation.StateVector RandomStateVector(int n, Random rng, QD3PM.Core.Simulation.SimulatorOptions options)
    {
        var state = new QD3PM.Core.Simulation.StateVector(n, options);
        var v = RandomState(n, rng);
        for (int i = 0; i < v.Count; i++) state.Amplitudes[i] = v[i];
        return state;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public static double[] RandomAngles(int count, Random rng) =>
        Enumerable.Range(0, count).Select(_ => (rng.NextDouble() * 2 - 1) * 2 * Math.PI).ToArray();

    /// <summary>All ordered selections of k distinct qubits out of n.</summary>
    public static IEnumerable<int[]> Placements(int n, int k)
    {
        if (k == 0) { yield return []; yield break; }
        foreach (var prefix in Placements(n, k - 1))
            for (int q = 0; q < n; q++)
                if (!prefix.Contains(q)) yield return [.. prefix, q];
    }

    public static double MaxDistance(ReadOnlySpan<Complex> actual, Vector<Complex> expected)
    {
        double worst = 0;
        for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, (actual[i] - expected[i]).Magnitude);
        return worst;
    }
}
