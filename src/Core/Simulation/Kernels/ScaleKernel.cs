using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// Multiplies every amplitude by a real factor: one streaming read and write of the state, the floor any gate
/// kernel can reach. Work item = one vector of two amplitudes.
/// </summary>
internal readonly unsafe struct ScaleKernel(double* data, double factor) : IRangeKernel
{
    private readonly double* _data = data;
    private readonly double _factor = factor;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Execute(long start, long end)
    {
        var f = Vector256.Create(_factor);
        double* p = _data + 4 * start;
        for (long v = start; v < end; v++, p += 4)
            (Vector256.Load(p) * f).Store(p);
    }
}
