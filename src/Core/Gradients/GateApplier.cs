using System.Numerics;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// Applies a gate, or its inverse, straight through the simulator's specialised kernels: no <see cref="Operation"/>
/// is built and nothing is allocated except for the rare relative-phase Toffolis (dense matrix).
/// </summary>
internal static class GateApplier
{
    public static void Apply(StateVector state, GateKind kind, int[] q, ReadOnlySpan<double> p, bool inverse)
    {
        double sign = inverse ? -1 : 1;
        switch (kind)
        {
            case GateKind.Id: case GateKind.Barrier: case GateKind.Measure:
                return;
            case GateKind.Reset:
                throw new NotSupportedException("reset is not unitary");
            case GateKind.X: state.ApplyX(q[0]); return;
            case GateKind.H: state.ApplyH(q[0]); return;
            case GateKind.Z: state.ApplyDiagonal(q[0], 1, -1); return;
            case GateKind.RX: state.ApplyRx(q[0], sign * p[0]); return;
            case GateKind.RY: state.ApplyRy(q[0], sign * p[0]); return;
            case GateKind.RZ: state.ApplyRz(q[0], sign * p[0]); return;
            case GateKind.P: state.ApplyDiagonal(q[0], 1, Complex.FromPolarCoordinates(1, sign * p[0])); return;
            case GateKind.CX: state.ApplyCx(q[0], q[1]); return;
            case GateKind.CZ: state.ApplyControlledPhase(q[0], q[1], -1); return;
            case GateKind.CP: state.ApplyControlledPhase(q[0], q[1], Complex.FromPolarCoordinates(1, sign * p[0])); return;
            case GateKind.ZZ: state.ApplyZz(q[0], q[1], sign * p[0]); return;
            case GateKind.RZZ: state.ApplyZz(q[0], q[1], sign * p[0] / 2); return;
            case GateKind.Swap: state.ApplySwap(q[0], q[1]); return;
            case GateKind.CSwap: state.ApplyCswap(q[0], q[1], q[2]); return;
            case GateKind.RXX: case GateKind.RYY: case GateKind.RZX:
                ApplyPauliPairRotation(state, kind, q[0], q[1], sign * p[0] / 2);
                return;
        }

        if (GateMatrices.HasSingleTarget(kind))
        {
            var m = GateMatrices.Target(kind, p);
            if (inverse) m = m.Adjoint();
            int controls = q.Length - 1;
            if (controls == 0) state.ApplyMatrix(q[0], m);
            else state.ApplyControlledMatrix(q.AsSpan(0, controls), q[controls], m);
            return;
        }

        var u = GateMatrices.Unitary(kind, p);
        if (inverse) u = ConjugateTranspose(u);
        state.ApplyUnitary(q, u);
    }

    /// <summary>
    /// exp(-i a P_a⊗P_b) for RXX (X X), RYY (Y Y) and RZX (Z on the first qubit, X on the second), as
    /// V† exp(-i a Z⊗Z) V with V a per-qubit basis change taking the Pauli to Z (X: H; Y: H·S†).
    /// </summary>
    private static void ApplyPauliPairRotation(StateVector state, GateKind kind, int a, int b, double angle)
    {
        var (first, second) = PauliPair(kind);
        ToZBasis(state, a, first);
        ToZBasis(state, b, second);
        state.ApplyZz(a, b, angle);
        FromZBasis(state, a, first);
        FromZBasis(state, b, second);
    }

    /// <summary>The Pauli letters of a two-qubit Pauli rotation, first qubit first.</summary>
    public static (char First, char Second) PauliPair(GateKind kind) => kind switch
    {
        GateKind.RXX => ('X', 'X'),
        GateKind.RYY => ('Y', 'Y'),
        GateKind.RZX => ('Z', 'X'),
        GateKind.RZZ or GateKind.ZZ => ('Z', 'Z'),
        _ => throw new ArgumentException($"{GateInfo.QasmName(kind)} is not a two-qubit Pauli rotation"),
    };

    private static void ToZBasis(StateVector state, int q, char pauli)
    {
        if (pauli == 'Y') state.ApplyDiagonal(q, 1, -Complex.ImaginaryOne);
        if (pauli != 'Z') state.ApplyH(q);
    }

    private static void FromZBasis(StateVector state, int q, char pauli)
    {
        if (pauli != 'Z') state.ApplyH(q);
        if (pauli == 'Y') state.ApplyDiagonal(q, 1, Complex.ImaginaryOne);
    }

    private static Complex[,] ConjugateTranspose(Complex[,] u)
    {
        int n = u.GetLength(0);
        var r = new Complex[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++)
                r[i, j] = Complex.Conjugate(u[j, i]);
        return r;
    }
}
