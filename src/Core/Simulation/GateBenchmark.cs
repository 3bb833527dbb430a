using System.Diagnostics;

namespace QD3PM.Core.Simulation;

/// <summary>
/// Times the hot gates (h, ry, rz, cx, zz, plus the "scale" streaming floor) against a plain copy of the same state buffer, in one run, so the ratio
/// gate/copy says how close a kernel is to memory speed independent of the machine. Each gate is timed at a low,
/// a middle and a high qubit position; repeats are interleaved (copy, then every gate and placement) and the
/// minimum over repeats is kept, which is the least disturbed by other processes on a shared machine.
/// </summary>
public static class GateBenchmark
{
    /// <summary>The gates, then "scale": an in-place multiply of every amplitude by a constant with the same threads,
    /// the memory-bandwidth floor of any in-place gate (it shows what threads can gain on this machine).</summary>
    public static readonly string[] Gates = ["h", "ry", "rz", "cx", "zz", "scale"];

    /// <summary>Bytes the benchmark allocates: the state plus the copy destination.</summary>
    public static long RequiredBytes(int qubits) => 2 * StateVector.RequiredBytes(qubits);

    /// <summary>Placements as (name, qubits): low (0 / 0,1), middle (n/2 / n/2,n/2+1), high (n-1 / n-1,n-2).</summary>
    public static IReadOnlyList<(string Name, int A, int B)> Placements(int n) =>
        [("low", 0, 1), ("middle", n / 2, n / 2 + 1), ("high", n - 1, n - 2)];

    public static IReadOnlyList<GateTiming> Run(int qubits, int threads, int repeat, int? parallelThresholdQubits = null)
    {
        if (qubits < 4) throw new ArgumentOutOfRangeException(nameof(qubits), "the gate benchmark needs at least 4 qubits");
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repeat, 1);
        var options = new SimulatorOptions
        {
            Threads = threads,
            ParallelThresholdQubits = parallelThresholdQubits ?? SimulatorOptions.DefaultParallelThresholdQubits,
        };
        var state = new StateVector(qubits, options);
        var copy = new StateVector(qubits, options);
        // A dense state (every amplitude non-zero) so no kernel sees special values; H on every qubit.
        for (int q = 0; q < qubits; q++) state.ApplyH(q);
        var placements = Placements(qubits);

        double bestCopy = double.MaxValue;
        var best = new double[Gates.Length, placements.Count];
        for (int g = 0; g < Gates.Length; g++)
            for (int p = 0; p < placements.Count; p++) best[g, p] = double.MaxValue;

        // One untimed round first: page faults on the copy buffer, JIT, caches.
        for (int round = -1; round < repeat; round++)
        {
            long start = Stopwatch.GetTimestamp();
            state.Amplitudes.CopyTo(copy.Amplitudes);
            double copyNs = Elapsed(start);
            if (round >= 0) bestCopy = Math.Min(bestCopy, copyNs);

            for (int g = 0; g < Gates.Length; g++)
            {
                for (int p = 0; p < placements.Count; p++)
                {
                    var (_, a, b) = placements[p];
                    start = Stopwatch.GetTimestamp();
                    ApplyGate(state, Gates[g], a, b);
                    double ns = Elapsed(start);
                    if (round >= 0) best[g, p] = Math.Min(best[g, p], ns);
                }
            }
        }

        var rows = new List<GateTiming>();
        for (int g = 0; g < Gates.Length; g++)
        {
            var perPlacement = new Dictionary<string, double>();
            double sum = 0;
            for (int p = 0; p < placements.Count; p++)
            {
                perPlacement[placements[p].Name] = best[g, p];
                sum += best[g, p];
            }
            rows.Add(new GateTiming(Gates[g], qubits, threads, sum / placements.Count, bestCopy, perPlacement));
        }
        return rows;
    }

    private static double Elapsed(long start) => (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency;

    private static void ApplyGate(StateVector state, string gate, int a, int b)
    {
        switch (gate)
        {
            case "h": state.ApplyH(a); break;
            case "ry": state.ApplyRy(a, 0.3); break;
            case "rz": state.ApplyRz(a, 0.3); break;
            case "cx": state.ApplyCx(a, b); break;
            case "zz": state.ApplyZz(a, b, 0.3); break;
            case "scale": state.Scale(1.0); break;
            default: throw new ArgumentException($"unknown benchmark gate {gate}");
        }
    }
}
