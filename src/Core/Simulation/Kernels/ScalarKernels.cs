using System.Runtime.CompilerServices;
using System.Numerics;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// Any single-target matrix under any set of controls, scalar on doubles. Work item = amplitude pair over target q;
/// pairs whose controls are not all set are skipped. Also the fallback for machines without AVX2/FMA.
/// </summary>
internal readonly unsafe struct ControlledMatrixKernel(double* data, long controlMask, int q, in Matrix2x2 m) : IRangeKernel
{
    private readonly double* _data = data;
    private readonly long _controls = controlMask;
    private readonly int _q = q;
    private readonly double _r00 = m.M00.Real, _i00 = m.M00.Imaginary, _r01 = m.M01.Real, _i01 = m.M01.Imaginary;
    private readonly double _r10 = m.M10.Real, _i10 = m.M10.Imaginary, _r11 = m.M11.Real, _i11 = m.M11.Imaginary;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        long lowMask = (1L << _q) - 1;
        long offset = 2L << _q; // doubles between partners
        for (long k = start; k < end; k++)
        {
            long i0 = ((k & ~lowMask) << 1) | (k & lowMask);
            if ((i0 & _controls) != _controls) continue;
            double* a = _data + 2 * i0;
            double* b = a + offset;
            double ar = a[0], ai = a[1], br = b[0], bi = b[1];
            a[0] = _r00 * ar - _i00 * ai + _r01 * br - _i01 * bi;
            a[1] = _r00 * ai + _i00 * ar + _r01 * bi + _i01 * br;
            b[0] = _r10 * ar - _i10 * ai + _r11 * br - _i11 * bi;
            b[1] = _r10 * ai + _i10 * ar + _r11 * bi + _i11 * br;
        }
    }
}

/// <summary>Scalar form of <see cref="ParityPhaseKernel"/> (fallback without AVX2/FMA). Work item = amplitude.</summary>
internal readonly unsafe struct ScalarParityPhaseKernel(double* data, long mask, Complex even, Complex odd) : IRangeKernel
{
    private readonly double* _data = data;
    private readonly long _mask = mask;
    private readonly Complex _even = even, _odd = odd;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        for (long i = start; i < end; i++)
        {
            var d = (BitOperations.PopCount((ulong)(i & _mask)) & 1) == 0 ? _even : _odd;
            double* p = _data + 2 * i;
            double re = p[0], im = p[1];
            p[0] = d.Real * re - d.Imaginary * im;
            p[1] = d.Real * im + d.Imaginary * re;
        }
    }
}

/// <summary>
/// Multiplies the amplitudes where both qubits a &lt; b are 1 by a phase (CZ, CP): touches a quarter of the state.
/// Work item = index with zeros inserted at a and b.
/// </summary>
internal readonly unsafe struct ControlledPhaseKernel(double* data, int a, int b, Complex phase) : IRangeKernel
{
    private readonly double* _data = data;
    private readonly int _low = Math.Min(a, b), _high = Math.Max(a, b);
    private readonly double _re = phase.Real, _im = phase.Imaginary;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        long set = (1L << _low) | (1L << _high);
        for (long k = start; k < end; k++)
        {
            long i = InsertZeroBits(k, _low, _high) | set;
            double* p = _data + 2 * i;
            double re = p[0], im = p[1];
            p[0] = _re * re - _im * im;
            p[1] = _re * im + _im * re;
        }
    }

    internal static long InsertZeroBits(long k, int low, int high)
    {
        k = ((k >> low) << (low + 1)) | (k & ((1L << low) - 1));
        return ((k >> high) << (high + 1)) | (k & ((1L << high) - 1));
    }
}

/// <summary>Swap of qubits a and b under optional controls (SWAP, CSWAP). Work item = index with zeros at a and b.</summary>
internal readonly unsafe struct SwapKernel(double* data, int a, int b, long controlMask) : IRangeKernel
{
    private readonly double* _data = data;
    private readonly int _a = a, _b = b;
    private readonly long _controls = controlMask;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        int low = Math.Min(_a, _b), high = Math.Max(_a, _b);
        for (long k = start; k < end; k++)
        {
            long i = ControlledPhaseKernel.InsertZeroBits(k, low, high);
            if ((i & _controls) != _controls) continue;
            double* p = _data + 2 * (i | (1L << _a));
            double* q = _data + 2 * (i | (1L << _b));
            (p[0], q[0]) = (q[0], p[0]);
            (p[1], q[1]) = (q[1], p[1]);
        }
    }
}
