using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QD3PM.Core.Simulation;
using QD3PM.Core.Simulation.Kernels;

namespace QD3PM.Core.Gradients;

/// <summary>
/// One backward step of adjoint differentiation over a whole block of single-qubit gates on qubit q (for example a
/// layer's RX-RY-RX), in one pass over both buffers: it accumulates the 2x2 pair-overlap matrix
/// S_ab = Σ_pairs ψ_a conj(λ_b) (a, b = value of bit q) from the amplitudes as loaded, then rewinds ψ and λ by the
/// block's inverse U† and stores them. Every gate of the block gets its derivative from S alone
/// (see <see cref="LocalBlock"/>), so three gates cost one pass instead of three.
/// </summary>
internal static class BlockAdjointStep
{
    /// <summary>Returns S (S00, S01, S10, S11 as a matrix) and applies <paramref name="inverse"/> to both states.</summary>
    public static unsafe Matrix2x2 Run(StateVector lambda, StateVector psi, int q, in Matrix2x2 inverse)
    {
        Span<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        if (!psi.UsesSimd || !lambda.UsesSimd) return Scalar(l, s, q, inverse);
        var op = new ComplexMatrixOp(inverse);
        var acc = new Accumulator();
        fixed (Complex* lp = l, sp = s)
        {
            double* a = (double*)lp, b = (double*)sp;
            int length = l.Length;
            if (q == 0)
            {
                // Two vectors hold two pairs: regroup them into (lo, lo) and (hi, hi) in registers.
                for (int i = 0; i < 2 * length; i += 8)
                {
                    var l1 = Vector256.Load(a + i); var l2 = Vector256.Load(a + i + 4);
                    var s1 = Vector256.Load(b + i); var s2 = Vector256.Load(b + i + 4);
                    var llo = Vector256.Create(l1.GetLower(), l2.GetLower()); var lhi = Vector256.Create(l1.GetUpper(), l2.GetUpper());
                    var slo = Vector256.Create(s1.GetLower(), s2.GetLower()); var shi = Vector256.Create(s1.GetUpper(), s2.GetUpper());
                    acc.Add(slo, shi, llo, lhi);
                    op.Apply(ref llo, ref lhi);
                    op.Apply(ref slo, ref shi);
                    Vector256.Create(llo.GetLower(), lhi.GetLower()).Store(a + i);
                    Vector256.Create(llo.GetUpper(), lhi.GetUpper()).Store(a + i + 4);
                    Vector256.Create(slo.GetLower(), shi.GetLower()).Store(b + i);
                    Vector256.Create(slo.GetUpper(), shi.GetUpper()).Store(b + i + 4);
                }
                return acc.Result();
            }
            int half = 2 << q; // doubles in one half-block of 2^q amplitudes
            for (int block = 0; block < 2 * length; block += 2 * half)
            {
                double* l0 = a + block, l1 = a + block + half, s0 = b + block, s1 = b + block + half;
                for (int j = 0; j < half; j += 4)
                {
                    var vl0 = Vector256.Load(l0 + j); var vl1 = Vector256.Load(l1 + j);
                    var vs0 = Vector256.Load(s0 + j); var vs1 = Vector256.Load(s1 + j);
                    acc.Add(vs0, vs1, vl0, vl1);
                    op.Apply(ref vl0, ref vl1);
                    op.Apply(ref vs0, ref vs1);
                    vl0.Store(l0 + j); vl1.Store(l1 + j);
                    vs0.Store(s0 + j); vs1.Store(s1 + j);
                }
            }
        }
        return acc.Result();
    }

    /// <summary>Eight running sums: Re and Im of ψ_a conj(λ_b) for the four (a, b).</summary>
    private struct Accumulator
    {
        private Vector256<double> _re00, _im00, _re01, _im01, _re10, _im10, _re11, _im11;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Add(Vector256<double> s0, Vector256<double> s1, Vector256<double> l0, Vector256<double> l1)
        {
            // ψ conj(λ): Re = ψr λr + ψi λi (sum of ψ·λ lanes); Im = ψi λr - ψr λi (odd minus even lanes of ψ·swap(λ)).
            var w0 = Lanes.SwapReIm(l0);
            var w1 = Lanes.SwapReIm(l1);
            _re00 = Fma.MultiplyAdd(s0, l0, _re00); _im00 = Fma.MultiplyAdd(s0, w0, _im00);
            _re01 = Fma.MultiplyAdd(s0, l1, _re01); _im01 = Fma.MultiplyAdd(s0, w1, _im01);
            _re10 = Fma.MultiplyAdd(s1, l0, _re10); _im10 = Fma.MultiplyAdd(s1, w0, _im10);
            _re11 = Fma.MultiplyAdd(s1, l1, _re11); _im11 = Fma.MultiplyAdd(s1, w1, _im11);
        }

        public readonly Matrix2x2 Result() =>
            new(Entry(_re00, _im00), Entry(_re01, _im01), Entry(_re10, _im10), Entry(_re11, _im11));

        private static Complex Entry(Vector256<double> re, Vector256<double> im) =>
            new(Vector256.Sum(re), im[1] - im[0] + im[3] - im[2]);
    }

    private static Matrix2x2 Scalar(Span<Complex> l, Span<Complex> s, int q, in Matrix2x2 m)
    {
        int bit = 1 << q;
        Complex s00 = 0, s01 = 0, s10 = 0, s11 = 0;
        for (int i0 = 0; i0 < l.Length; i0++)
        {
            if ((i0 & bit) != 0) continue;
            int i1 = i0 | bit;
            Complex p0 = s[i0], p1 = s[i1], c0 = Complex.Conjugate(l[i0]), c1 = Complex.Conjugate(l[i1]);
            s00 += p0 * c0; s01 += p0 * c1; s10 += p1 * c0; s11 += p1 * c1;
            s[i0] = m.M00 * p0 + m.M01 * p1;
            s[i1] = m.M10 * p0 + m.M11 * p1;
            Complex q0 = l[i0], q1 = l[i1];
            l[i0] = m.M00 * q0 + m.M01 * q1;
            l[i1] = m.M10 * q0 + m.M11 * q1;
        }
        return new Matrix2x2(s00, s01, s10, s11);
    }
}
