using BenchmarkDotNet.Attributes;
using QD3PM.Core.Simulation;

namespace QD3PM.Benchmarks.Simulation;

/// <summary>
/// The hot gate kernels against a copy of the same state buffer (the baseline, so BenchmarkDotNet's Ratio column is
/// gate time / copy time, as in `qd3pm bench gates`). Run:
/// dotnet run -c Release --project tests/Benchmarks -- --filter '*GateKernelBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class GateKernelBenchmarks
{
    private StateVector _state = null!;
    private StateVector _copy = null!;
    private int _a, _b;

    [Params(20, 24)]
    public int Qubits { get; set; }

    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Target position: low (0 / 0,1), middle (n/2 / n/2,n/2+1), high (n-1 / n-1,n-2).</summary>
    [Params("low", "middle", "high")]
    public string Placement { get; set; } = "low";

    [GlobalSetup]
    public void Setup()
    {
        var options = new SimulatorOptions { Threads = Threads };
        _state = new StateVector(Qubits, options);
        _copy = new StateVector(Qubits, options);
        for (int q = 0; q < Qubits; q++) _state.ApplyH(q);
        var placement = GateBenchmark.Placements(Qubits).Single(p => p.Name == Placement);
        (_a, _b) = (placement.A, placement.B);
    }

    [Benchmark(Baseline = true)]
    public void Copy() => _state.Amplitudes.CopyTo(_copy.Amplitudes);

    [Benchmark] public void H() => _state.ApplyH(_a);
    [Benchmark] public void Ry() => _state.ApplyRy(_a, 0.3);
    [Benchmark] public void Rz() => _state.ApplyRz(_a, 0.3);
    [Benchmark] public void Cx() => _state.ApplyCx(_a, _b);
    [Benchmark] public void Zz() => _state.ApplyZz(_a, _b, 0.3);
}
