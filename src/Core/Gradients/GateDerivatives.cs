using System.Numerics;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// How the derivative of a gate with respect to its first angle a is taken. Pauli rotations exp(-i a c P) have
/// dU/da = -i c P U, so their gradient needs only ⟨λ|P|ψ⟩ after the gate; every other parametrisable gate is a
/// (controlled) single-target gate whose target-matrix derivative dM/da is written here in closed form.
/// </summary>
internal static class GateDerivatives
{
    /// <summary>
    /// For a Pauli rotation: the masks of <see cref="Overlaps.PauliImaginary"/> and the coefficient c of exp(-i a c P);
    /// false for other gates.
    /// </summary>
    public static bool TryPauliGenerator(GateKind kind, int[] q, out long flipMask, out long zMask, out int yCount, out double coefficient)
    {
        flipMask = zMask = 0;
        yCount = 0;
        coefficient = 0.5;
        switch (kind)
        {
            case GateKind.RX: AddPauli('X', q[0], ref flipMask, ref zMask, ref yCount); return true;
            case GateKind.RY: AddPauli('Y', q[0], ref flipMask, ref zMask, ref yCount); return true;
            case GateKind.RZ: AddPauli('Z', q[0], ref flipMask, ref zMask, ref yCount); return true;
            case GateKind.RXX: case GateKind.RYY: case GateKind.RZX: case GateKind.RZZ: case GateKind.ZZ:
                var (first, second) = GateApplier.PauliPair(kind);
                AddPauli(first, q[0], ref flipMask, ref zMask, ref yCount);
                AddPauli(second, q[1], ref flipMask, ref zMask, ref yCount);
                if (kind == GateKind.ZZ) coefficient = 1;
                return true;
            default:
                return false;
        }
    }

    private static void AddPauli(char pauli, int q, ref long flip, ref long z, ref int y)
    {
        long bit = 1L << q;
        if (pauli is 'X' or 'Y') flip |= bit;
        if (pauli is 'Z' or 'Y') z |= bit;
        if (pauli == 'Y') y++;
    }

    /// <summary>
    /// dM/da for the target matrix M of a (controlled) single-target gate, a = p[0]. Gates exp(-i a G) with G's
    /// eigenvalues ±1/2 (RX, RY, RZ, U3's θ, and their controlled forms) satisfy dM/da = M(a + π)/2; the phase
    /// gates P and U2's φ multiply row 1 by e^{ia}, so their derivative is that row times i.
    /// </summary>
    public static Matrix2x2 TargetDerivative(GateKind kind, ReadOnlySpan<double> p)
    {
        Span<double> shifted = stackalloc double[ParametricCircuit.MaxGateParameters];
        p.CopyTo(shifted);
        switch (kind)
        {
            case GateKind.RX: case GateKind.RY: case GateKind.RZ:
            case GateKind.CRX: case GateKind.CRY: case GateKind.CRZ:
            case GateKind.U3: case GateKind.CU3: case GateKind.CU:
                shifted[0] += Math.PI;
                return GateMatrices.Target(kind, shifted[..p.Length]).Scale(0.5);
            case GateKind.P: case GateKind.CP: case GateKind.U2:
                var m = GateMatrices.Target(kind, p);
                var i = Complex.ImaginaryOne;
                return new Matrix2x2(0, 0, i * m.M10, i * m.M11);
            default:
                throw new NotSupportedException($"{GateInfo.QasmName(kind)} has no differentiable angle");
        }
    }
}
