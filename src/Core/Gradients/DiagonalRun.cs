using System.Numerics;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// Gradients of a run of consecutive diagonal gates (RZ, ZZ, RZZ, P, CP, CRZ, and fixed Z, S, T, CZ, ...) at once.
/// Un-applying a diagonal U from both ψ and λ multiplies ψ_i and λ_i by the same phase, so v_i = Im(conj(λ_i) ψ_i)
/// is the same after every gate of the run. Every diagonal generator is a sum of Z-strings Z_S, and
/// Im⟨λ|Z_S|ψ⟩ = Σ_i (-1)^{|i∧S|} v_i = W[S], the Walsh–Hadamard transform of v: one transform (n 2^(n-1) additions)
/// yields the gradients of the whole run (all-to-all ZZ layers: n(n-1)/2 gates).
/// </summary>
internal static class DiagonalRun
{
    public static bool IsDiagonal(GateKind kind) => kind is GateKind.RZ or GateKind.ZZ or GateKind.RZZ or GateKind.P
        or GateKind.CP or GateKind.CRZ or GateKind.Z or GateKind.S or GateKind.Sdg or GateKind.T or GateKind.Tdg
        or GateKind.CZ or GateKind.Id or GateKind.Barrier;

    /// <summary>
    /// Multiplies the diagonals of operations [start, end) (all diagonal) into a cleared <paramref name="table"/>, then
    /// builds it; one operation's first angle may be moved by <paramref name="delta"/>.
    /// </summary>
    public static void Fill(PhaseTable table, IReadOnlyList<ParametricOperation> ops, int start, int end,
        ReadOnlySpan<double> theta, int shiftedOperation = -1, double delta = 0)
    {
        Span<double> p = stackalloc double[ParametricCircuit.MaxGateParameters];
        table.Clear();
        for (int k = start; k < end; k++)
        {
            var op = ops[k];
            if (op.Kind is GateKind.Id or GateKind.Barrier) continue;
            var parameters = p[..GateInfo.ParameterCount(op.Kind)];
            op.BindParameters(theta, parameters);
            if (k == shiftedOperation) parameters[0] += delta;
            var q = op.Qubits;
            switch (op.Kind)
            {
                case GateKind.ZZ: case GateKind.RZZ:
                    // exp(-i a Z⊗Z): e^{-ia} where the bits agree, e^{+ia} where they differ (RZZ: a = angle/2).
                    double angle = op.Kind == GateKind.ZZ ? parameters[0] : parameters[0] / 2;
                    Complex same = Complex.FromPolarCoordinates(1, -angle), differ = Complex.FromPolarCoordinates(1, angle);
                    table.MultiplyPair(q[0], q[1], same, differ, differ, same);
                    break;
                case GateKind.CZ: case GateKind.CP: case GateKind.CRZ:
                    // Control q[0], target q[1]: the target's diagonal where the control is 1.
                    var m = GateMatrices.Target(op.Kind, parameters);
                    table.MultiplyPair(q[0], q[1], Complex.One, m.M00, Complex.One, m.M11);
                    break;
                default:
                    var d = GateMatrices.Target(op.Kind, parameters);
                    table.MultiplySingle(q[0], d.M00, d.M11);
                    break;
            }
        }
        table.Build();
    }

    /// <summary>
    /// Adds scale · dE/da of every parametrised gate of the diagonal operations [start, end), with ψ and λ taken after
    /// them (or anywhere inside: v is the same). Needs the Walsh coefficients W[S] at the masks S the generators use:
    /// a full transform when there are many, direct sums over v when there are few.
    /// </summary>
    public static void AddDerivatives(IReadOnlyList<ParametricOperation> ops, int start, int end, StateVector lambda,
        StateVector psi, double[] walsh, Span<double> gradient)
    {
        int parametric = 0;
        for (int k = start; k < end; k++)
            if (ops[k].IsParametric) parametric++;
        if (parametric == 0) return;
        // Up to four coefficients per gate (0, a, b, a|b); direct sums cost one pass over v each, the transform ~n/2.
        if (8 * parametric > psi.QubitCount)
        {
            Transform(lambda, psi, walsh);
        }
        else
        {
            Span<int> masks = stackalloc int[4 * parametric];
            int count = 0;
            for (int k = start; k < end; k++)
            {
                var op = ops[k];
                if (!op.IsParametric) continue;
                int a = 1 << op.Qubits[0], b = op.Qubits.Length > 1 ? 1 << op.Qubits[1] : 0;
                foreach (int m in (ReadOnlySpan<int>)[0, a, b, a | b])
                    if (masks[..count].IndexOf(m) < 0) masks[count++] = m;
            }
            ImaginaryOverlaps(lambda, psi, walsh);
            Span<double> sums = stackalloc double[count];
            for (int i = 0; i < walsh.Length; i++)
            {
                double v = walsh[i];
                for (int m = 0; m < count; m++)
                    sums[m] += (System.Numerics.BitOperations.PopCount((uint)(i & masks[m])) & 1) == 0 ? v : -v;
            }
            for (int m = 0; m < count; m++) walsh[masks[m]] = sums[m];
        }
        for (int k = start; k < end; k++)
        {
            var op = ops[k];
            if (op.IsParametric) gradient[op.ParameterIndex] += op.Scale * Derivative(op.Kind, op.Qubits, walsh);
        }
    }

    private static void ImaginaryOverlaps(StateVector lambda, StateVector psi, Span<double> walsh)
    {
        ReadOnlySpan<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        for (int i = 0; i < walsh.Length; i++)
            walsh[i] = l[i].Real * s[i].Imaginary - l[i].Imaginary * s[i].Real;
    }

    /// <summary>v_i = Im(conj(λ_i) ψ_i) into <paramref name="walsh"/>, then its Walsh–Hadamard transform in place.</summary>
    public static void Transform(StateVector lambda, StateVector psi, Span<double> walsh)
    {
        ImaginaryOverlaps(lambda, psi, walsh);
        WalshHadamard.Transform(walsh);
    }

    /// <summary>
    /// dE/da = 2 Im⟨λ|G|ψ⟩ for U = exp(-i a G), with G written in Z-strings:
    /// RZ: Z/2; RZZ: ZZ/2; ZZ: ZZ; P: -|1⟩⟨1| = (Z - I)/2; CP: -|11⟩⟨11| = -(I - Z_c - Z_t + Z_c Z_t)/4;
    /// CRZ: |1⟩⟨1|_c ⊗ Z_t/2 = (Z_t - Z_c Z_t)/4.
    /// </summary>
    public static double Derivative(GateKind kind, int[] q, ReadOnlySpan<double> walsh)
    {
        int a = 1 << q[0];
        int b = q.Length > 1 ? 1 << q[1] : 0;
        double imaginary = kind switch
        {
            GateKind.RZ => walsh[a] / 2,
            GateKind.RZZ => walsh[a | b] / 2,
            GateKind.ZZ => walsh[a | b],
            GateKind.P => (walsh[a] - walsh[0]) / 2,
            GateKind.CP => -(walsh[0] - walsh[a] - walsh[b] + walsh[a | b]) / 4,
            GateKind.CRZ => (walsh[b] - walsh[a | b]) / 4,
            _ => throw new ArgumentException($"{GateInfo.QasmName(kind)} has no diagonal generator here"),
        };
        return 2 * imaginary;
    }
}
