using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// One backward step of adjoint differentiation for RX(a) or RY(a) on qubit q, in a single pass over both buffers:
/// the pair overlaps A = Σ conj(λ_{i0}) ψ_{i1}, B = Σ conj(λ_{i1}) ψ_{i0} are accumulated from the amplitudes as
/// loaded, which are then rotated by the inverse gate and stored. Returns dE/da = Im⟨λ|P|ψ⟩ (P = X or Y), i.e.
/// Im(A + B) for RX and Re(B - A) for RY. Replaces three passes (overlap, rewind ψ, rewind λ) with one.
/// </summary>
internal static class FusedRotationStep
{
    public static unsafe double Run(StateVector lambda, StateVector psi, int q, bool isRx, double angle)
    {
        ReadOnlySpan<Complex> l = lambda.Amplitudes, s = psi.Amplitudes;
        int length = l.Length;
        // Inverse gate: RX(-a) = [[c, i s], [i s, c]], RY(-a) = [[c, s], [-s, c]] with c = cos(a/2), s = sin(a/2).
        double c = Math.Cos(angle / 2), sn = Math.Sin(angle / 2);
        fixed (Complex* lp = l, sp = s)
        {
            double* a = (double*)lp, b = (double*)sp;
            if (!Vector256.IsHardwareAccelerated || !Avx.IsSupported || length < 4)
                return Scalar(a, b, length, q, isRx, c, sn);

            var vc = Vector256.Create(c);
            var vs = Vector256.Create(sn);
            var signs = Vector256.Create(-1.0, 1.0, -1.0, 1.0); // i·z = swap(z) · (-1, 1, -1, 1)
            var reA = Vector256<double>.Zero; var imA = Vector256<double>.Zero;
            var reB = Vector256<double>.Zero; var imB = Vector256<double>.Zero;

            if (q == 0)
            {
                // Each vector holds one pair (x_{i0}, x_{i1}); swapping its 128-bit halves lines partners up.
                for (int i = 0; i < 2 * length; i += 4)
                {
                    var vl = Vector256.Load(a + i);
                    var vsv = Vector256.Load(b + i);
                    var partner = Vector256.Create(vsv.GetUpper(), vsv.GetLower());
                    reA += vl * partner; // lanes 0,1: A; lanes 2,3: B
                    imA += vl * Avx.Permute(partner, 0b0101);
                    Rotate0(ref vl, isRx, vc, vs, signs);
                    Rotate0(ref vsv, isRx, vc, vs, signs);
                    vl.Store(a + i);
                    vsv.Store(b + i);
                }
                double ra = reA[0] + reA[1], rb = reA[2] + reA[3], ia = imA[0] - imA[1], ib = imA[2] - imA[3];
                return isRx ? ia + ib : rb - ra;
            }

            int half = 2 << q; // doubles in one block of 2^q amplitudes
            for (int block = 0; block < 2 * length; block += 2 * half)
            {
                double* l0 = a + block, l1 = a + block + half, s0 = b + block, s1 = b + block + half;
                for (int j = 0; j < half; j += 4)
                {
                    var vl0 = Vector256.Load(l0 + j); var vl1 = Vector256.Load(l1 + j);
                    var vs0 = Vector256.Load(s0 + j); var vs1 = Vector256.Load(s1 + j);
                    reA += vl0 * vs1; imA += vl0 * Avx.Permute(vs1, 0b0101);
                    reB += vl1 * vs0; imB += vl1 * Avx.Permute(vs0, 0b0101);
                    Rotate(ref vl0, ref vl1, isRx, vc, vs, signs);
                    Rotate(ref vs0, ref vs1, isRx, vc, vs, signs);
                    vl0.Store(l0 + j); vl1.Store(l1 + j);
                    vs0.Store(s0 + j); vs1.Store(s1 + j);
                }
            }
            double rA = Vector256.Sum(reA), rB = Vector256.Sum(reB);
            double iA = imA[0] - imA[1] + imA[2] - imA[3], iB = imB[0] - imB[1] + imB[2] - imB[3];
            return isRx ? iA + iB : rB - rA;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rotate(ref Vector256<double> x0, ref Vector256<double> x1, bool isRx,
        Vector256<double> c, Vector256<double> s, Vector256<double> signs)
    {
        if (isRx)
        {
            var y0 = c * x0 + s * signs * Avx.Permute(x1, 0b0101);
            var y1 = c * x1 + s * signs * Avx.Permute(x0, 0b0101);
            x0 = y0; x1 = y1;
        }
        else
        {
            var y0 = c * x0 + s * x1;
            var y1 = c * x1 - s * x0;
            x0 = y0; x1 = y1;
        }
    }

    /// <summary>Qubit 0: x holds (x_{i0}, x_{i1}) in its low and high halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rotate0(ref Vector256<double> x, bool isRx, Vector256<double> c, Vector256<double> s, Vector256<double> signs)
    {
        var partner = Vector256.Create(x.GetUpper(), x.GetLower());
        if (isRx)
            x = c * x + s * signs * Avx.Permute(partner, 0b0101);
        else
            x = c * x + s * Vector256.Create(1.0, 1.0, -1.0, -1.0) * partner;
    }

    private static unsafe double Scalar(double* a, double* b, int length, int q, bool isRx, double c, double s)
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
            RotateScalar(a, i0, i1, isRx, c, s);
            RotateScalar(b, i0, i1, isRx, c, s);
        }
        return isRx ? imA + imB : reB - reA;
    }

    private static unsafe void RotateScalar(double* x, int i0, int i1, bool isRx, double c, double s)
    {
        double r0 = x[2 * i0], m0 = x[2 * i0 + 1], r1 = x[2 * i1], m1 = x[2 * i1 + 1];
        if (isRx)
        {
            // y0 = c x0 + i s x1, y1 = i s x0 + c x1
            x[2 * i0] = c * r0 - s * m1; x[2 * i0 + 1] = c * m0 + s * r1;
            x[2 * i1] = c * r1 - s * m0; x[2 * i1 + 1] = c * m1 + s * r0;
        }
        else
        {
            x[2 * i0] = c * r0 + s * r1; x[2 * i0 + 1] = c * m0 + s * m1;
            x[2 * i1] = c * r1 - s * r0; x[2 * i1 + 1] = c * m1 - s * m0;
        }
    }
}
