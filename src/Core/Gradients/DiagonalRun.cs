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

    /// <summary>v_i = Im(conj(λ_i) ψ_i) into <paramref name="walsh"/>, then its Walsh–Hadamard transform in place.</summary>
    public static void Transform(StateVector lambda, StateVector psi, Span<double> walsh)
    {
        ReadOnlySpan<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        for (int i = 0; i < walsh.Length; i++)
            walsh[i] = l[i].Real * s[i].Imaginary - l[i].Imaginary * s[i].Real;
        for (int h = 1; h < walsh.Length; h <<= 1)
        {
            for (int block = 0; block < walsh.Length; block += 2 * h)
            {
                var lo = walsh.Slice(block, h);
                var hi = walsh.Slice(block + h, h);
                for (int j = 0; j < h; j++)
                {
                    double x = lo[j], y = hi[j];
                    lo[j] = x + y;
                    hi[j] = x - y;
                }
            }
        }
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
