namespace QD3PM.Core.Simulation.Kernels;

/// <summary>
/// Runs a kernel on the calling thread, or splits its range over threads when the register is at least
/// <see cref="SimulatorOptions.ParallelThresholdQubits"/> large. The single-threaded path allocates nothing.
/// </summary>
internal static class KernelRunner
{
    /// <summary>Chunk boundaries are multiples of this many work items, so vector loops never split a vector.</summary>
    private const long Grain = 64;

    public static void Run<TKernel>(in TKernel kernel, long count, int qubits, SimulatorOptions options)
        where TKernel : struct, IRangeKernel
    {
        int threads = Math.Min(options.Threads, Environment.ProcessorCount * 4);
        if (threads <= 1 || qubits < options.ParallelThresholdQubits || count < 2 * Grain)
        {
            kernel.Execute(0, count);
            return;
        }
        RunParallel(kernel, count, threads);
    }

    // Separate method: the closure (and its allocation) exists only on the parallel path.
    private static void RunParallel<TKernel>(TKernel kernel, long count, int threads)
        where TKernel : struct, IRangeKernel
    {
        long chunk = ((count + threads - 1) / threads + Grain - 1) / Grain * Grain;
        int chunks = (int)((count + chunk - 1) / chunk);
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            long start = i * chunk;
            kernel.Execute(start, Math.Min(count, start + chunk));
        });
    }
}
