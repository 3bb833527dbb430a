using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// Applies a single-qubit <see cref="IPairOp"/> to target qubit q. Work item k is the k-th amplitude pair (the index
/// with a zero bit inserted at q); ranges must start and end on even k. For q ≥ 1 the pairs come in contiguous runs
/// of 2^q amplitudes (two spans, one per half); for q = 0 partners sit in the same vector and are regrouped in
/// registers (two vectors → lo and hi halves).
/// </summary>
internal readonly unsafe struct PairKernel<TOp>(double* data, int q, TOp op) : IRangeKernel where TOp : struct, IPairOp
{
    private readonly double* _data = data;
    private readonly int _q = q;
    private readonly TOp _op = op;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        if (_q == 0) ExecuteLowQubit(start, end);
        else ExecuteStrided(start, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExecuteLowQubit(long start, long end)
    {
        double* p = _data + 4 * start;
        for (long k = start; k < end; k += 2, p += 8)
        {
            var v1 = Vector256.Load(p);
            var v2 = Vector256.Load(p + 4);
            var lo = Vector256.Create(v1.GetLower(), v2.GetLower());
            var hi = Vector256.Create(v1.GetUpper(), v2.GetUpper());
            _op.Apply(ref lo, ref hi);
            Vector256.Create(lo.GetLower(), hi.GetLower()).Store(p);
            Vector256.Create(lo.GetUpper(), hi.GetUpper()).Store(p + 4);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ExecuteStrided(long start, long end)
    {
        long stride = 1L << _q;
        long k = start;
        while (k < end)
        {
            long offset = k & (stride - 1);
            long i0 = ((k - offset) << 1) + offset;
            long run = Math.Min(stride - offset, end - k);
            double* lo = _data + 2 * i0;
            double* hi = lo + 2 * stride;
            long doubles = 2 * run;
            for (long j = 0; j < doubles; j += 4)
            {
                var a = Vector256.Load(lo + j);
                var b = Vector256.Load(hi + j);
                _op.Apply(ref a, ref b);
                a.Store(lo + j);
                b.Store(hi + j);
            }
            k += run;
        }
    }
}
