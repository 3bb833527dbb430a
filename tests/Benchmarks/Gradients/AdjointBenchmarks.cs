using BenchmarkDotNet.Attributes;
using QD3PM.Core.Circuits;
using QD3PM.Core.Gradients;
using QD3PM.Core.Simulation;

namespace QD3PM.Benchmarks.Gradients;

/// <summary>
/// One adjoint gradient of the model-shaped circuit (10 qubits, data-loading RY, 6 layers of RX-RY-RX and all-to-all
/// ZZ: 460 gates, 460 parameters) against one forward run of the same circuit (the baseline, so Ratio = gradient
/// time / forward time). Run: dotnet run -c Release --project tests/Benchmarks -- --filter '*AdjointBenchmarks*'
/// </summary>
[MemoryDiagnoser]
public class AdjointBenchmarks
{
    private ParametricCircuit _circuit = null!;
    private double[] _theta = [];
    private double[] _observable = [];
    private double[] _gradient = [];
    private AdjointWorkspace _workspace = null!;
    private StateVector _state = null!;

    [Params(10)]
    public int Qubits { get; set; }

    [Params(6)]
    public int Layers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var ops = new List<ParametricOperation>();
        int next = 0;
        for (int q = 0; q < Qubits; q++) ops.Add(ParametricOperation.Rotation(GateKind.RY, next++, [q]));
        for (int l = 0; l < Layers; l++)
        {
            foreach (var kind in new[] { GateKind.RX, GateKind.RY, GateKind.RX })
                for (int q = 0; q < Qubits; q++) ops.Add(ParametricOperation.Rotation(kind, next++, [q]));
            for (int a = 0; a < Qubits; a++)
                for (int b = a + 1; b < Qubits; b++) ops.Add(ParametricOperation.Rotation(GateKind.ZZ, next++, [a, b]));
        }
        _circuit = new ParametricCircuit(Qubits, next);
        foreach (var op in ops) _circuit.Add(op);
        var rng = new Random(1);
        _theta = Enumerable.Range(0, next).Select(_ => rng.NextDouble()).ToArray();
        _observable = Enumerable.Range(0, 1 << Qubits).Select(_ => rng.NextDouble()).ToArray();
        _gradient = new double[next];
        _workspace = new AdjointWorkspace(Qubits);
        _state = new StateVector(Qubits, new SimulatorOptions { Threads = 1 });
    }

    [Benchmark(Baseline = true)]
    public void Forward()
    {
        _state.Reset();
        _circuit.Run(_state, _theta);
    }

    [Benchmark]
    public double AdjointGradient() =>
        AdjointDifferentiation.ExpectationAndGradient(_circuit, _theta, _observable, _gradient, _workspace);
}
