using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// The two cross overlaps of qubit q's amplitude pairs, A = Σ conj(λ_{i0}) ψ_{i1} and B = Σ conj(λ_{i1}) ψ_{i0}
/// (i0 with bit q clear, i1 = i0 | 2^q), from which ⟨λ|X_q|ψ⟩ = A + B and ⟨λ|Y_q|ψ⟩ = i(B - A). Vectorised: two
/// amplitudes per 256-bit vector, one read of each buffer.
/// </summary>
internal static class PairOverlap
{
    public readonly record struct Sums(double ReA, double ImA, double ReB, double ImB);

    public static unsafe Sums Compute(StateVector lambda, StateVector psi, int q)
    {
        ReadOnlySpan<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        int length = l.Length;
        fixed (Complex* lp = l, sp = s)
        {
            double* a = (double*)lp, b = (double*)sp;
            if (!Vector256.IsHardwareAccelerated || length < 4) return Scalar(a, b, length, q);
            if (q == 0) return LowestQubit(a, b, length);

            var reA = Vector256<double>.Zero; var imA = Vector256<double>.Zero;
            var reB = Vector256<double>.Zero; var imB = Vector256<double>.Zero;
            int half = 2 << q; // doubles in one block of 2^q amplitudes
            for (int block = 0; block < 2 * length; block += 2 * half)
            {
                double* l0 = a + block, l1 = a + block + half, s0 = b + block, s1 = b + block + half;
                for (int j = 0; j < half; j += 4)
                {
                    var vl0 = Vector256.Load(l0 + j); var vl1 = Vector256.Load(l1 + j);
                    var vs0 = Vector256.Load(s0 + j); var vs1 = Vector256.Load(s1 + j);
                    reA += vl0 * vs1; imA += vl0 * SwapReIm(vs1);
                    reB += vl1 * vs0; imB += vl1 * SwapReIm(vs0);
                }
            }
            // Lanes (re, im, re, im): conj(x)·y has real part Σ lanes and imaginary part lane0 - lane1 + lane2 - lane3.
            return new Sums(Vector256.Sum(reA), Alternating(imA), Vector256.Sum(reB), Alternating(imB));
        }
    }

    /// <summary>Qubit 0: each vector holds one pair (ψ_{i0}, ψ_{i1}); swapping its halves lines partners up.</summary>
    private static unsafe Sums LowestQubit(double* a, double* b, int length)
    {
        var re = Vector256<double>.Zero;
        var im = Vector256<double>.Zero;
        for (int i = 0; i < 2 * length; i += 4)
        {
            var vl = Vector256.Load(a + i);
            var vs = Vector256.Load(b + i);
            var partner = Vector256.Create(vs.GetUpper(), vs.GetLower());
            re += vl * partner;
            im += vl * SwapReIm(partner);
        }
        return new Sums(re[0] + re[1], im[0] - im[1], re[2] + re[3], im[2] - im[3]);
    }

    private static unsafe Sums Scalar(double* a, double* b, int length, int q)
    {
        int bit = 1 << q;
        double reA = 0, imA = 0, reB = 0, imB = 0;
        for (int i0 = 0; i0 < length; i0++)
        {
            if ((i0 & bit) != 0) continue;
            int i1 = i0 | bit;
            reA += a[2 * i0] * b[2 * i1] + a[2 * i0 + 1] * b[2 * i1 + 1];
            imA += a[2 * i0] * b[2 * i1 + 1] - a[2 * i0 + 1] * b[2 * i1];
            reB += a[2 * i1] * b[2 * i0] + a[2 * i1 + 1] * b[2 * i0 + 1];
            imB += a[2 * i1] * b[2 * i0 + 1] - a[2 * i1 + 1] * b[2 * i0];
        }
        return new Sums(reA, imA, reB, imB);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> SwapReIm(Vector256<double> v) =>
        Avx.IsSupported ? Avx.Permute(v, 0b0101) : Vector256.Shuffle(v, Vector256.Create(1L, 0, 3, 2));

    private static double Alternating(Vector256<double> v) => v[0] - v[1] + v[2] - v[3];
}
