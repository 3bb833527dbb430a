using System.Numerics;
using QD3PM.Core.Circuits;

namespace QD3PM.Core.Simulation;

/// <summary>
/// Matrices of the gates in Qiskit's conventions. <see cref="Unitary"/> gives the full local matrix of any gate with
/// local index bit j = Qubits[j] (controls are the low bits); <see cref="Target"/> gives the single-qubit matrix that
/// a (multi-)controlled single-target gate applies to its target.
/// </summary>
public static class GateMatrices
{
    private static readonly double InvSqrt2 = 1 / Math.Sqrt(2);

    public static Matrix2x2 I => Matrix2x2.Identity;
    public static Matrix2x2 X => new(0, 1, 1, 0);
    public static Matrix2x2 Y => new(0, -Complex.ImaginaryOne, Complex.ImaginaryOne, 0);
    public static Matrix2x2 Z => new(1, 0, 0, -1);
    public static Matrix2x2 H => new(InvSqrt2, InvSqrt2, InvSqrt2, -InvSqrt2);
    public static Matrix2x2 S => P(Math.PI / 2);
    public static Matrix2x2 Sdg => P(-Math.PI / 2);
    public static Matrix2x2 T => P(Math.PI / 4);
    public static Matrix2x2 Tdg => P(-Math.PI / 4);
    public static Matrix2x2 SX => new(new Complex(0.5, 0.5), new Complex(0.5, -0.5), new Complex(0.5, -0.5), new Complex(0.5, 0.5));
    public static Matrix2x2 SXdg => SX.Adjoint();

    /// <summary>exp(-iθX/2).</summary>
    public static Matrix2x2 Rx(double theta)
    {
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        return new(c, new Complex(0, -s), new Complex(0, -s), c);
    }

    /// <summary>exp(-iθY/2).</summary>
    public static Matrix2x2 Ry(double theta)
    {
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        return new(c, -s, s, c);
    }

    /// <summary>exp(-iθZ/2) = diag(e^{-iθ/2}, e^{iθ/2}).</summary>
    public static Matrix2x2 Rz(double theta) =>
        new(Complex.FromPolarCoordinates(1, -theta / 2), 0, 0, Complex.FromPolarCoordinates(1, theta / 2));

    /// <summary>diag(1, e^{iλ}) (qelib1 u1).</summary>
    public static Matrix2x2 P(double lambda) => new(1, 0, 0, Complex.FromPolarCoordinates(1, lambda));

    /// <summary>U3(θ,φ,λ) = [[cos θ/2, -e^{iλ} sin θ/2], [e^{iφ} sin θ/2, e^{i(φ+λ)} cos θ/2]].</summary>
    public static Matrix2x2 U3(double theta, double phi, double lambda)
    {
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        return new(c, -Complex.FromPolarCoordinates(s, lambda),
            Complex.FromPolarCoordinates(s, phi), Complex.FromPolarCoordinates(c, phi + lambda));
    }

    /// <summary>U2(φ,λ) = U3(π/2, φ, λ).</summary>
    public static Matrix2x2 U2(double phi, double lambda) => U3(Math.PI / 2, phi, lambda);

    /// <summary>
    /// The single-qubit matrix of a one-qubit gate, or the matrix a controlled gate applies to its target
    /// (CX → X, CRY → RY, CU → e^{iγ}U3, C3SX → SX, C4X → X).
    /// </summary>
    public static Matrix2x2 Target(GateKind kind, ReadOnlySpan<double> p) => kind switch
    {
        GateKind.Id => I,
        GateKind.X or GateKind.CX or GateKind.CCX or GateKind.C3X or GateKind.C4X => X,
        GateKind.Y or GateKind.CY => Y,
        GateKind.Z or GateKind.CZ => Z,
        GateKind.H or GateKind.CH => H,
        GateKind.S => S,
        GateKind.Sdg => Sdg,
        GateKind.T => T,
        GateKind.Tdg => Tdg,
        GateKind.SX or GateKind.CSX or GateKind.C3SX => SX,
        GateKind.SXdg => SXdg,
        GateKind.RX or GateKind.CRX => Rx(p[0]),
        GateKind.RY or GateKind.CRY => Ry(p[0]),
        GateKind.RZ or GateKind.CRZ => Rz(p[0]),
        GateKind.P or GateKind.CP => P(p[0]),
        GateKind.U2 => U2(p[0], p[1]),
        GateKind.U3 or GateKind.CU3 => U3(p[0], p[1], p[2]),
        GateKind.CU => U3(p[0], p[1], p[2]).Scale(Complex.FromPolarCoordinates(1, p[3])),
        _ => throw new ArgumentException($"{GateInfo.QasmName(kind)} is not a (controlled) single-target gate", nameof(kind)),
    };

    /// <summary>True when the gate is a single-qubit gate or controls applied to one target (see <see cref="Target"/>).</summary>
    public static bool HasSingleTarget(GateKind kind) =>
        GateInfo.IsUnitary(kind) && GateInfo.QubitCount(kind) - GateInfo.ControlCount(kind) == 1;

    /// <summary>
    /// The full 2^m x 2^m unitary of a gate on m qubits, row = output; local index bit j corresponds to Qubits[j].
    /// </summary>
    public static Complex[,] Unitary(GateKind kind, ReadOnlySpan<double> p)
    {
        if (!GateInfo.IsUnitary(kind))
            throw new ArgumentException($"{GateInfo.QasmName(kind)} is not unitary", nameof(kind));
        int m = GateInfo.QubitCount(kind);
        int dim = 1 << m;
        var u = new Complex[dim, dim];
        if (HasSingleTarget(kind))
        {
            // Controls are the low m-1 bits, the target the top bit.
            var t = Target(kind, p);
            int controls = dim / 2 - 1, top = dim / 2;
            for (int i = 0; i < dim; i++)
                if ((i & controls) != controls) u[i, i] = 1;
            for (int low = 0; low < top; low++)
            {
                if ((low & controls) != controls) continue;
                u[low, low] = t.M00; u[low, low | top] = t.M01;
                u[low | top, low] = t.M10; u[low | top, low | top] = t.M11;
            }
            return u;
        }

        switch (kind)
        {
            case GateKind.Swap:
                u[0, 0] = u[3, 3] = 1; u[1, 2] = u[2, 1] = 1;
                break;
            case GateKind.CSwap:
                for (int i = 0; i < 8; i++) u[i, i] = 1;
                u[3, 3] = u[5, 5] = 0; u[3, 5] = u[5, 3] = 1; // control bit 0 set: swap bits 1 and 2
                break;
            case GateKind.RZZ:
            case GateKind.ZZ:
            {
                double half = kind == GateKind.RZZ ? p[0] / 2 : p[0];
                for (int i = 0; i < 4; i++)
                    u[i, i] = Complex.FromPolarCoordinates(1, BitParity(i) == 0 ? -half : half);
                break;
            }
            case GateKind.RXX:
            case GateKind.RYY:
            case GateKind.RZX:
            {
                // exp(-iθ/2 G) = cos(θ/2) I - i sin(θ/2) G for a Pauli string G with G² = I.
                double c = Math.Cos(p[0] / 2), s = Math.Sin(p[0] / 2);
                var g = PauliString(kind);
                for (int r = 0; r < 4; r++)
                    for (int col = 0; col < 4; col++)
                        u[r, col] = (r == col ? c : 0) - new Complex(0, s) * g[r, col];
                break;
            }
            case GateKind.RCCX:
                return Compose(3, RccxSequence);
            case GateKind.RC3X:
                return Compose(4, Rc3xSequence);
            default:
                throw new ArgumentException($"no matrix for {GateInfo.QasmName(kind)}", nameof(kind));
        }
        return u;
    }

    private static int BitParity(int i) => BitOperations.PopCount((uint)i) & 1;

    private static Complex[,] PauliString(GateKind kind)
    {
        var (low, high) = kind switch
        {
            GateKind.RXX => (X, X),
            GateKind.RYY => (Y, Y),
            _ => (Z, X), // RZX: Z on the first qubit, X on the second (qelib1 rzx a,b)
        };
        var g = new Complex[4, 4];
        for (int r = 0; r < 4; r++)
            for (int c = 0; c < 4; c++)
                g[r, c] = Entry(high, r >> 1, c >> 1) * Entry(low, r & 1, c & 1);
        return g;
    }

    private static Complex Entry(in Matrix2x2 m, int r, int c) => (r, c) switch
    {
        (0, 0) => m.M00, (0, 1) => m.M01, (1, 0) => m.M10, _ => m.M11,
    };

    // qelib1.inc definitions of the relative-phase Toffolis, as (matrix, control or -1, target) steps.
    private static readonly double Q = Math.PI / 4;

    private static IEnumerable<(Matrix2x2 M, int Control, int Target)> RccxSequence()
    {
        var h = U2(0, Math.PI);
        yield return (h, -1, 2); yield return (P(Q), -1, 2); yield return (X, 1, 2); yield return (P(-Q), -1, 2);
        yield return (X, 0, 2); yield return (P(Q), -1, 2); yield return (X, 1, 2); yield return (P(-Q), -1, 2);
        yield return (h, -1, 2);
    }

    private static IEnumerable<(Matrix2x2 M, int Control, int Target)> Rc3xSequence()
    {
        var h = U2(0, Math.PI);
        yield return (h, -1, 3); yield return (P(Q), -1, 3); yield return (X, 2, 3); yield return (P(-Q), -1, 3);
        yield return (h, -1, 3); yield return (X, 0, 3); yield return (P(Q), -1, 3); yield return (X, 1, 3);
        yield return (P(-Q), -1, 3); yield return (X, 0, 3); yield return (P(Q), -1, 3); yield return (X, 1, 3);
        yield return (P(-Q), -1, 3); yield return (h, -1, 3); yield return (P(Q), -1, 3); yield return (X, 2, 3);
        yield return (P(-Q), -1, 3); yield return (h, -1, 3);
    }

    private static Complex[,] Compose(int m, Func<IEnumerable<(Matrix2x2 M, int Control, int Target)>> steps)
    {
        int dim = 1 << m;
        var u = new Complex[dim, dim];
        var column = new Complex[dim];
        for (int col = 0; col < dim; col++)
        {
            Array.Clear(column);
            column[col] = 1;
            foreach (var (g, control, target) in steps())
            {
                int tbit = 1 << target;
                for (int i = 0; i < dim; i++)
                {
                    if ((i & tbit) != 0 || (control >= 0 && (i & (1 << control)) == 0)) continue;
                    Complex a0 = column[i], a1 = column[i | tbit];
                    column[i] = g.M00 * a0 + g.M01 * a1;
                    column[i | tbit] = g.M10 * a0 + g.M11 * a1;
                }
            }
            for (int r = 0; r < dim; r++) u[r, col] = column[r];
        }
        return u;
    }
}
