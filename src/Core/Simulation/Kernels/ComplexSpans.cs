using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// Element-wise complex products over spans, two complex numbers per AVX vector: (a·b) = fmaddsub(a, re(b), swap(a)·im(b)).
/// Scalar when the CPU lacks AVX2/FMA.
/// </summary>
internal static unsafe class ComplexSpans
{
    private static bool Vectorised => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>destination[i] = a[i] · b[i] (destination may alias a or b).</summary>
    public static void Multiply(ReadOnlySpan<Complex> a, ReadOnlySpan<Complex> b, Span<Complex> destination)
    {
        int n = destination.Length;
        int i = 0;
        if (Vectorised && n >= 2)
        {
            fixed (Complex* pa = a, pb = b, pd = destination)
            {
                double* x = (double*)pa, y = (double*)pb, z = (double*)pd;
                for (; i + 2 <= n; i += 2)
                    Product(Vector256.Load(x + 2 * i), Vector256.Load(y + 2 * i)).Store(z + 2 * i);
            }
        }
        for (; i < n; i++) destination[i] = a[i] * b[i];
    }

    /// <summary>destination[i] = source[i] · factor (destination may alias source).</summary>
    public static void Scale(ReadOnlySpan<Complex> source, Complex factor, Span<Complex> destination)
    {
        int n = destination.Length;
        int i = 0;
        if (Vectorised && n >= 2)
        {
            var re = Vector256.Create(factor.Real);
            var im = Vector256.Create(factor.Imaginary);
            fixed (Complex* ps = source, pd = destination)
            {
                double* x = (double*)ps, z = (double*)pd;
                for (; i + 2 <= n; i += 2)
                {
                    var v = Vector256.Load(x + 2 * i);
                    Fma.MultiplyAddSubtract(v, re, Avx.Multiply(Lanes.SwapReIm(v), im)).Store(z + 2 * i);
                }
            }
        }
        for (; i < n; i++) destination[i] = source[i] * factor;
    }

    /// <summary>Two complex products a·b in one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> Product(Vector256<double> a, Vector256<double> b) =>
        Fma.MultiplyAddSubtract(a, Avx.Permute(b, 0b0000), Avx.Multiply(Lanes.SwapReIm(a), Avx.Permute(b, 0b1111)));

    /// <summary>Two complex products a·conj(b) in one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<double> ProductConjugate(Vector256<double> a, Vector256<double> b) =>
        Fma.MultiplySubtractAdd(a, Avx.Permute(b, 0b0000), Avx.Multiply(Lanes.SwapReIm(a), Avx.Permute(b, 0b1111)));
}
