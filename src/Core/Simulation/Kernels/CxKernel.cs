using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// CX with control c ≥ 1: work item k is the k-th pair with the control set. For target t ≥ 1 the pairs form
/// contiguous runs of 2^min(c,t) amplitudes and the kernel swaps two spans; for t = 0 the partners share a vector
/// and are exchanged in-register. (Control 0 is the <see cref="OddLaneSwapOp"/> pair kernel.)
/// </summary>
internal readonly unsafe struct CxKernel(double* data, int control, int target) : IRangeKernel
{
    private readonly double* _data = data;
    private readonly int _c = control, _t = target;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        int low = Math.Min(_c, _t), high = Math.Max(_c, _t);
        long controlBit = 1L << _c, targetBit = 1L << _t;
        // Consecutive work items stay contiguous until a bit of the smaller inserted position would carry:
        // 2^min(c,t) amplitudes, or for t = 0 (one pair per vector) 2^(c-1) vectors.
        long runLength = _t == 0 ? 1L << (_c - 1) : 1L << low;
        long k = start;
        while (k < end)
        {
            long offset = k & (runLength - 1);
            long run = Math.Min(runLength - offset, end - k);
            long i0 = InsertZeroBits(k, low, high) | controlBit;
            double* p = _data + 2 * i0;
            if (_t == 0)
            {
                // Runs of pairs sit at consecutive even indices: one vector per pair, halves exchanged.
                for (long j = 0; j < run; j++, p += 4)
                {
                    var v = Vector256.Load(p);
                    Vector256.Create(v.GetUpper(), v.GetLower()).Store(p);
                }
            }
            else
            {
                double* q = p + 2 * targetBit;
                long doubles = 2 * run;
                for (long j = 0; j < doubles; j += 4)
                {
                    var a = Vector256.Load(p + j);
                    var b = Vector256.Load(q + j);
                    b.Store(p + j);
                    a.Store(q + j);
                }
            }
            k += run;
        }
    }

    private static long InsertZeroBits(long k, int low, int high)
    {
        k = ((k >> low) << (low + 1)) | (k & ((1L << low) - 1));
        return ((k >> high) << (high + 1)) | (k & ((1L << high) - 1));
    }
}
