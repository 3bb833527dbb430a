using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// What a single-qubit gate does to two vectors holding amplitude pairs: <c>lo</c> has two amplitudes with the target
/// bit 0, <c>hi</c> the two partners with the bit 1, interleaved (re, im, re, im). Real arithmetic only.
/// Only used when AVX2 and FMA are available.
/// </summary>
internal interface IPairOp
{
    void Apply(ref Vector256<double> lo, ref Vector256<double> hi);
}

internal static class Lanes
{
    /// <summary>(re, im, re, im) → (im, re, im, re).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> SwapReIm(Vector256<double> v) => Avx.Permute(v, 0b0101);

    /// <summary>Broadcast of the real part: multiplies re and im alike.</summary>
    public static Vector256<double> Real(Complex c) => Vector256.Create(c.Real);

    /// <summary>(-im, im, -im, im): times SwapReIm(z) gives i·Im(c)·z.</summary>
    public static Vector256<double> Imag(Complex c) => Vector256.Create(-c.Imaginary, c.Imaginary, -c.Imaginary, c.Imaginary);

    /// <summary>c·z for complex c given as (Real(c), Imag(c)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Mul(Vector256<double> re, Vector256<double> im, Vector256<double> z) =>
        Fma.MultiplyAdd(im, SwapReIm(z), Avx.Multiply(re, z));
}

/// <summary>Any complex 2x2 matrix (RX, U3, SX, Y, ...).</summary>
internal readonly struct ComplexMatrixOp(in Matrix2x2 m) : IPairOp
{
    private readonly Vector256<double> _r00 = Lanes.Real(m.M00), _i00 = Lanes.Imag(m.M00);
    private readonly Vector256<double> _r01 = Lanes.Real(m.M01), _i01 = Lanes.Imag(m.M01);
    private readonly Vector256<double> _r10 = Lanes.Real(m.M10), _i10 = Lanes.Imag(m.M10);
    private readonly Vector256<double> _r11 = Lanes.Real(m.M11), _i11 = Lanes.Imag(m.M11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector256<double> lo, ref Vector256<double> hi)
    {
        var slo = Lanes.SwapReIm(lo);
        var shi = Lanes.SwapReIm(hi);
        var nlo = Fma.MultiplyAdd(_i01, shi, Fma.MultiplyAdd(_r01, hi, Fma.MultiplyAdd(_i00, slo, Avx.Multiply(_r00, lo))));
        var nhi = Fma.MultiplyAdd(_i11, shi, Fma.MultiplyAdd(_r11, hi, Fma.MultiplyAdd(_i10, slo, Avx.Multiply(_r10, lo))));
        lo = nlo;
        hi = nhi;
    }
}

/// <summary>A real 2x2 matrix (RY, H): no re/im shuffles.</summary>
internal readonly struct RealMatrixOp(double m00, double m01, double m10, double m11) : IPairOp
{
    private readonly Vector256<double> _m00 = Vector256.Create(m00), _m01 = Vector256.Create(m01);
    private readonly Vector256<double> _m10 = Vector256.Create(m10), _m11 = Vector256.Create(m11);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector256<double> lo, ref Vector256<double> hi)
    {
        var nlo = Fma.MultiplyAdd(_m01, hi, Avx.Multiply(_m00, lo));
        var nhi = Fma.MultiplyAdd(_m11, hi, Avx.Multiply(_m10, lo));
        lo = nlo;
        hi = nhi;
    }
}

/// <summary>Hadamard: (lo + hi)/√2, (lo - hi)/√2.</summary>
internal readonly struct HadamardOp() : IPairOp
{
    // An instance field, not a static: kernels are compiled fully optimised up front, before statics are known.
    private readonly Vector256<double> _scale = Vector256.Create(1 / Math.Sqrt(2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector256<double> lo, ref Vector256<double> hi)
    {
        var nlo = Avx.Multiply(Avx.Add(lo, hi), _scale);
        hi = Avx.Multiply(Avx.Subtract(lo, hi), _scale);
        lo = nlo;
    }
}

/// <summary>X: exchange the halves.</summary>
internal readonly struct SwapOp : IPairOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector256<double> lo, ref Vector256<double> hi) => (lo, hi) = (hi, lo);
}

/// <summary>CX with control qubit 0: exchange only the second amplitude of each vector (odd index = control set).</summary>
internal readonly struct OddLaneSwapOp : IPairOp
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector256<double> lo, ref Vector256<double> hi)
    {
        var nlo = Avx.Blend(lo, hi, 0b1100);
        hi = Avx.Blend(hi, lo, 0b1100);
        lo = nlo;
    }
}

/// <summary>RX(θ) = [[c, -is], [-is, c]]: lo' = c·lo - i s·hi, hi' = c·hi - i s·lo.</summary>
internal readonly struct RxOp(double theta) : IPairOp
{
    private readonly Vector256<double> _c = Vector256.Create(Math.Cos(theta / 2));
    // -i s · z = s·(im, -re): SwapReIm(z) times (s, -s, s, -s).
    private readonly Vector256<double> _s = Vector256.Create(Math.Sin(theta / 2), -Math.Sin(theta / 2), Math.Sin(theta / 2), -Math.Sin(theta / 2));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(ref Vector256<double> lo, ref Vector256<double> hi)
    {
        var nlo = Fma.MultiplyAdd(_s, Lanes.SwapReIm(hi), Avx.Multiply(_c, lo));
        hi = Fma.MultiplyAdd(_s, Lanes.SwapReIm(lo), Avx.Multiply(_c, hi));
        lo = nlo;
    }
}
