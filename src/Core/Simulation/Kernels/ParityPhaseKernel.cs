using System.Runtime.CompilerServices;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// Diagonal gates whose phase depends on the parity of some qubits: amplitude i is multiplied by
/// <c>even</c> when popcount(i &amp; mask) is even, else by <c>odd</c>. RZ/P/S/T/Z (one qubit: d0, d1), RZZ and ZZ
/// (two qubits). One linear pass; work item = one vector of two amplitudes. Runs of vectors with the same parity
/// share the phase, so the inner loop is a plain multiply.
/// </summary>
internal readonly unsafe struct ParityPhaseKernel : IRangeKernel
{
    private readonly double* _data;
    private readonly long _runMask;        // mask bits above bit 0 (bit 0 only changes the lane pattern)
    private readonly long _runVectors;     // vectors with constant parity of (i & _runMask)
    private readonly Vector256<double> _re0, _im0, _re1, _im1;

    public ParityPhaseKernel(double* data, long mask, Complex even, Complex odd)
    {
        _data = data;
        _runMask = mask & ~1L;
        _runVectors = _runMask == 0 ? long.MaxValue : 1L << (BitOperations.TrailingZeroCount(_runMask) - 1);
        // Lane pattern for a vector at even index i: the second amplitude flips parity when bit 0 is in the mask.
        (Complex a, Complex b) = (mask & 1) != 0 ? (even, odd) : (even, even);
        (Complex c, Complex d) = (mask & 1) != 0 ? (odd, even) : (odd, odd);
        _re0 = Vector256.Create(a.Real, a.Real, b.Real, b.Real);
        _im0 = Vector256.Create(-a.Imaginary, a.Imaginary, -b.Imaginary, b.Imaginary);
        _re1 = Vector256.Create(c.Real, c.Real, d.Real, d.Real);
        _im1 = Vector256.Create(-c.Imaginary, c.Imaginary, -d.Imaginary, d.Imaginary);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        // Qubit 1 in the mask flips the parity from one vector to the next: walk vector pairs instead.
        if (_runVectors == 1 && (start & 1) == 0 && (end & 1) == 0)
        {
            ExecuteAlternating(start, end);
            return;
        }
        long v = start;
        while (v < end)
        {
            // Run lengths are powers of two: the run containing v ends at the next multiple (no division).
            long runEnd = _runMask == 0 ? end : Math.Min(end, (v | (_runVectors - 1)) + 1);
            bool odd = (BitOperations.PopCount((ulong)((2 * v) & _runMask)) & 1) != 0;
            var re = odd ? _re1 : _re0;
            var im = odd ? _im1 : _im0;
            double* p = _data + 4 * v;
            for (long u = v; u < runEnd; u++, p += 4)
            {
                var z = Vector256.Load(p);
                Fma.MultiplyAdd(im, Lanes.SwapReIm(z), Avx.Multiply(re, z)).Store(p);
            }
            v = runEnd;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExecuteAlternating(long start, long end)
    {
        long higher = _runMask & ~2L;  // bits that stay constant over longer runs
        long pairRun = higher == 0 ? long.MaxValue : 1L << (BitOperations.TrailingZeroCount(higher) - 1);
        long v = start;
        while (v < end)
        {
            long runEnd = higher == 0 ? end : Math.Min(end, (v | (pairRun - 1)) + 1);
            bool odd = (BitOperations.PopCount((ulong)((2 * v) & higher)) & 1) != 0;
            var reA = odd ? _re1 : _re0;
            var imA = odd ? _im1 : _im0;
            var reB = odd ? _re0 : _re1;
            var imB = odd ? _im0 : _im1;
            double* p = _data + 4 * v;
            for (long u = v; u < runEnd; u += 2, p += 8)
            {
                var z0 = Vector256.Load(p);
                var z1 = Vector256.Load(p + 4);
                Fma.MultiplyAdd(imA, Lanes.SwapReIm(z0), Avx.Multiply(reA, z0)).Store(p);
                Fma.MultiplyAdd(imB, Lanes.SwapReIm(z1), Avx.Multiply(reB, z1)).Store(p + 4);
            }
            v = runEnd;
        }
    }
}
