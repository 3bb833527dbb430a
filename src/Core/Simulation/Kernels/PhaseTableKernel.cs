using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// Multiplies amplitude i by table[i] (or its conjugate, the inverse of a diagonal unitary), in one or two state
/// buffers at once. Work item = one vector of two amplitudes.
/// </summary>
internal readonly unsafe struct PhaseTableKernel(double* first, double* second, double* table, bool conjugate) : IRangeKernel
{
    private readonly double* _first = first;
    private readonly double* _second = second;
    private readonly double* _table = table;
    private readonly bool _conjugate = conjugate;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        if (_conjugate) Run<Conjugated>(start, end);
        else Run<Plain>(start, end);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Run<TMode>(long start, long end) where TMode : struct, IMode
    {
        for (long v = start; v < end; v++)
        {
            var t = Vector256.Load(_table + 4 * v);
            double* p = _first + 4 * v;
            default(TMode).Multiply(Vector256.Load(p), t).Store(p);
            if (_second != null)
            {
                double* r = _second + 4 * v;
                default(TMode).Multiply(Vector256.Load(r), t).Store(r);
            }
        }
    }

    private interface IMode
    {
        Vector256<double> Multiply(Vector256<double> z, Vector256<double> t);
    }

    private readonly struct Plain : IMode
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Multiply(Vector256<double> z, Vector256<double> t) => ComplexSpans.Product(z, t);
    }

    private readonly struct Conjugated : IMode
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector256<double> Multiply(Vector256<double> z, Vector256<double> t) => ComplexSpans.ProductConjugate(z, t);
    }
}
