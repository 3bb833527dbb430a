using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// Read-only reductions ⟨λ|A|ψ⟩ over two state buffers for the operators adjoint differentiation needs, computed
/// without materialising A|ψ> (so no third buffer and no copy).
/// </summary>
internal static class Overlaps
{
    /// <summary>
    /// ⟨λ|P|ψ⟩ for a Pauli string P = i^yCount X^flipMask Z^zMask (Z factors act first): (Pψ)_i =
    /// i^yCount (-1)^{popcount((i^flip) &amp; z)} ψ_{i^flip}. A Y on qubit q sets bit q in both masks.
    /// </summary>
    public static Complex Pauli(StateVector lambda, StateVector psi, long flipMask, long zMask, int yCount)
    {
        ReadOnlySpan<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        ref Complex l0 = ref MemoryMarshal.GetReference(l);
        ref Complex s0 = ref MemoryMarshal.GetReference(s);
        double re = 0, im = 0;
        int length = l.Length;
        for (int i = 0; i < length; i++)
        {
            int j = i ^ (int)flipMask;
            Complex a = Unsafe.Add(ref l0, i), b = Unsafe.Add(ref s0, j);
            // conj(a) * b
            double pr = a.Real * b.Real + a.Imaginary * b.Imaginary;
            double pi = a.Real * b.Imaginary - a.Imaginary * b.Real;
            if ((BitOperations.PopCount((ulong)(j & zMask)) & 1) != 0) { pr = -pr; pi = -pi; }
            re += pr;
            im += pi;
        }
        var sum = new Complex(re, im);
        return (yCount & 3) switch
        {
            0 => sum,
            1 => new Complex(-sum.Imaginary, sum.Real),
            2 => -sum,
            _ => new Complex(sum.Imaginary, -sum.Real),
        };
    }

    /// <summary>
    /// ⟨λ|C(M)|ψ⟩ where C(M) applies the 2x2 matrix M to qubit <paramref name="target"/> on the subspace where all
    /// qubits of <paramref name="controlMask"/> are 1, and is ZERO elsewhere (the derivative of a controlled gate).
    /// </summary>
    public static Complex ControlledMatrix(StateVector lambda, StateVector psi, long controlMask, int target, in Matrix2x2 m)
    {
        ReadOnlySpan<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        ref Complex l0 = ref MemoryMarshal.GetReference(l);
        ref Complex s0 = ref MemoryMarshal.GetReference(s);
        int bit = 1 << target;
        int low = bit - 1;
        int pairs = l.Length / 2;
        int mask = (int)controlMask;
        Complex sum = Complex.Zero;
        Complex m00 = m.M00, m01 = m.M01, m10 = m.M10, m11 = m.M11;
        for (int k = 0; k < pairs; k++)
        {
            int i0 = ((k & ~low) << 1) | (k & low);
            if ((i0 & mask) != mask) continue;
            int i1 = i0 | bit;
            Complex a0 = Unsafe.Add(ref s0, i0), a1 = Unsafe.Add(ref s0, i1);
            sum += Complex.Conjugate(Unsafe.Add(ref l0, i0)) * (m00 * a0 + m01 * a1)
                 + Complex.Conjugate(Unsafe.Add(ref l0, i1)) * (m10 * a0 + m11 * a1);
        }
        return sum;
    }
}
