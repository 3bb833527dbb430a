namespace QD3PM.Core.Simulation.Kernels;

/// <summary>A gate kernel over a range of work items (amplitude pairs, vectors, ...), so it can be split over threads.</summary>
internal interface IRangeKernel
{
    void Execute(long start, long end);
}
