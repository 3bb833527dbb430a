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
    /// Im⟨λ|P|ψ⟩ for a Pauli string P = i^yCount X^flipMask Z^zMask (Z factors act first): (Pψ)_i =
    /// i^yCount (-1)^{popcount((i^flip) &amp; z)} ψ_{i^flip}. A Y on qubit q sets bit q in both masks. Only the
    /// imaginary part is needed for the gradient, so only the one real component of the sum it depends on is formed.
    /// </summary>
    public static unsafe double PauliImaginary(StateVector lambda, StateVector psi, long flipMask, long zMask, int yCount)
    {
        ReadOnlySpan<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        int length = l.Length;
        int flip = (int)flipMask, z = (int)zMask;
        // i^y * (re + i im): its imaginary part is im (y=0), re (y=1), -im (y=2), -re (y=3).
        bool wantReal = (yCount & 1) != 0;
        double sign = (yCount & 3) >= 2 ? -1 : 1;
        double sum0 = 0, sum1 = 0;
        fixed (Complex* lp = l, sp = s)
        {
            double* a = (double*)lp, b = (double*)sp;
            if (wantReal)
            {
                for (int i = 0; i < length; i += 2)
                {
                    int j0 = i ^ flip, j1 = (i + 1) ^ flip;
                    double t0 = a[2 * i] * b[2 * j0] + a[2 * i + 1] * b[2 * j0 + 1];
                    double t1 = a[2 * i + 2] * b[2 * j1] + a[2 * i + 3] * b[2 * j1 + 1];
                    sum0 += (BitOperations.PopCount((uint)(j0 & z)) & 1) == 0 ? t0 : -t0;
                    sum1 += (BitOperations.PopCount((uint)(j1 & z)) & 1) == 0 ? t1 : -t1;
                }
            }
            else
            {
                for (int i = 0; i < length; i += 2)
                {
                    int j0 = i ^ flip, j1 = (i + 1) ^ flip;
                    double t0 = a[2 * i] * b[2 * j0 + 1] - a[2 * i + 1] * b[2 * j0];
                    double t1 = a[2 * i + 2] * b[2 * j1 + 1] - a[2 * i + 3] * b[2 * j1];
                    sum0 += (BitOperations.PopCount((uint)(j0 & z)) & 1) == 0 ? t0 : -t0;
                    sum1 += (BitOperations.PopCount((uint)(j1 & z)) & 1) == 0 ? t1 : -t1;
                }
            }
        }
        return sign * (sum0 + sum1);
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
