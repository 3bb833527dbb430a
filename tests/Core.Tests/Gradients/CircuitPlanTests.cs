using QD3PM.Core.Circuits;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Gradients;
using QD3PM.Core.Simulation;
using QD3PM.Core.Tests.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Gradients;

/// <summary>
/// The fused plan (per-qubit single-qubit blocks, phase tables for diagonal runs) against gate-by-gate simulation and
/// dense references, forward and through adjoint differentiation.
/// </summary>
public sealed class CircuitPlanTests
{
    private static readonly GateKind[] LocalKinds =
        [GateKind.RX, GateKind.RY, GateKind.RZ, GateKind.P, GateKind.U3, GateKind.U2, GateKind.H, GateKind.SX, GateKind.T, GateKind.Y];

    private static readonly GateKind[] DiagonalKinds =
        [GateKind.ZZ, GateKind.RZZ, GateKind.CZ, GateKind.CP, GateKind.CRZ, GateKind.RZ, GateKind.P, GateKind.S, GateKind.Z];

    private static readonly GateKind[] OtherKinds = [GateKind.CX, GateKind.RXX, GateKind.CRY, GateKind.Swap];

    /// <summary>Layers of single-qubit runs, diagonal runs of random length (some long enough for a table) and other gates.</summary>
    private static ParametricCircuit Structured(Random rng, int qubits, int parameters, int layers)
    {
        var circuit = new ParametricCircuit(qubits, parameters);
        for (int l = 0; l < layers; l++)
        {
            int local = rng.Next(1, 3 * qubits);
            for (int g = 0; g < local; g++) Add(circuit, rng, LocalKinds[rng.Next(LocalKinds.Length)], qubits, parameters);
            if (rng.NextDouble() < 0.3) circuit.Add(ParametricOperation.Fixed(GateKind.Barrier, [], Enumerable.Range(0, qubits).ToArray()));
            int diagonal = rng.Next(0, 12);
            for (int g = 0; g < diagonal; g++) Add(circuit, rng, DiagonalKinds[rng.Next(DiagonalKinds.Length)], qubits, parameters);
            if (rng.NextDouble() < 0.5) Add(circuit, rng, OtherKinds[rng.Next(OtherKinds.Length)], qubits, parameters);
        }
        return circuit;
    }

    private static void Add(ParametricCircuit circuit, Random rng, GateKind kind, int qubits, int parameters)
    {
        int count = GateInfo.QubitCount(kind);
        if (count > qubits) return;
        var q = RandomParametricCircuits.RandomQubits(rng, qubits, count);
        int angles = GateInfo.ParameterCount(kind);
        if (angles == 0 || rng.NextDouble() < 0.2)
        {
            circuit.Add(ParametricOperation.Fixed(kind, DenseReference.RandomAngles(angles, rng), q));
            return;
        }
        var constants = DenseReference.RandomAngles(angles - 1, rng);
        circuit.Add(new ParametricOperation(kind, q, constants, rng.Next(parameters), 0.5 + rng.NextDouble(), rng.NextDouble() - 0.5));
    }

    /// <summary>The state gate by gate through the simulator's general path.</summary>
    private static StateVector GateByGate(ParametricCircuit circuit, double[] theta)
    {
        var state = new StateVector(circuit.QubitCount);
        state.Apply(circuit.Bind(theta));
        return state;
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 6)]
    [InlineData(5, 7)]
    public void Fused_forward_run_equals_gate_by_gate(int seed, int qubits)
    {
        var rng = new Random(seed);
        var circuit = Structured(rng, qubits, 8, 6);
        var theta = DenseReference.RandomAngles(8, rng);
        var fused = new StateVector(qubits);
        circuit.Run(fused, theta);
        var reference = GateByGate(circuit, theta);
        for (int i = 0; i < fused.Length; i++)
            Assert.True((fused.Amplitudes[i] - reference.Amplitudes[i]).Magnitude < 1e-12, $"amplitude {i}");
        Assert.Contains(circuit.Plan.Segments, s => s.Kind == CircuitPlan.SegmentKind.Local && s.Groups.Any(g => g.Length > 1));
    }

    [Theory]
    [InlineData(11, 2)]
    [InlineData(12, 3)]
    [InlineData(13, 5)]
    [InlineData(14, 6)]
    public void Adjoint_through_the_plan_matches_finite_differences_of_gate_by_gate_runs(int seed, int qubits)
    {
        var rng = new Random(seed);
        var circuit = Structured(rng, qubits, 10, 5);
        var theta = DenseReference.RandomAngles(10, rng);
        var observable = RandomParametricCircuits.RandomVector(rng, 1 << qubits, 1);
        var gradient = new double[10];
        double e = AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, gradient);
        Assert.Equal(GateByGate(circuit, theta).ExpectationDiagonal(observable), e, 12);
        Assert.Contains(gradient, g => Math.Abs(g) > 1e-3);
        const double h = 1e-5;
        for (int j = 0; j < theta.Length; j++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[j] += h;
            minus[j] -= h;
            double fd = (GateByGate(circuit, plus).ExpectationDiagonal(observable) - GateByGate(circuit, minus).ExpectationDiagonal(observable)) / (2 * h);
            Assert.True(Math.Abs(fd - gradient[j]) < 1e-6, $"d/dθ[{j}]: finite differences {fd:R}, adjoint {gradient[j]:R}");
        }
    }

    [Fact]
    public void Denoiser_circuit_is_cut_into_one_local_and_one_diagonal_segment_per_layer()
    {
        var ansatz = new DenoiserAnsatz(4, 3, 30, Entangler.AllToAll);
        var circuit = ansatz.Build(0b1011, 7);
        var kinds = circuit.Plan.Segments.Select(s => s.Kind).ToArray();
        Assert.Equal(
            [CircuitPlan.SegmentKind.Local, CircuitPlan.SegmentKind.Diagonal, CircuitPlan.SegmentKind.Local,
             CircuitPlan.SegmentKind.Diagonal, CircuitPlan.SegmentKind.Local, CircuitPlan.SegmentKind.Diagonal], kinds);
        // The first local segment holds the loads, the time rotation and layer 1: one group per qubit.
        var first = circuit.Plan.Segments[0];
        Assert.Equal(5, first.Groups.Length);
        Assert.Equal(3 + 1, first.Groups.Single(g => circuit.Operations[g[0]].Qubits[0] == 0).Length); // load + RX RY RX
        Assert.Equal(3 + 1, first.Groups.Single(g => circuit.Operations[g[0]].Qubits[0] == 4).Length); // time RY + RX RY RX
    }

    [Fact]
    public void Short_diagonal_runs_are_applied_gate_by_gate()
    {
        var circuit = new ParametricCircuit(3, 1)
            .Rotation(GateKind.RX, 0, [0])
            .Rotation(GateKind.ZZ, 0, [0, 1]).Rotation(GateKind.ZZ, 0, [1, 2]).Fixed(GateKind.CZ, [], 0, 2)
            .Rotation(GateKind.RY, 0, [1]);
        Assert.Equal(
            [CircuitPlan.SegmentKind.Local, CircuitPlan.SegmentKind.Single, CircuitPlan.SegmentKind.Single,
             CircuitPlan.SegmentKind.Single, CircuitPlan.SegmentKind.Local],
            circuit.Plan.Segments.Select(s => s.Kind).ToArray());
    }

    [Fact]
    public void Diagonal_fill_equals_the_dense_product_of_the_gates()
    {
        var rng = new Random(31);
        const int n = 4;
        var ops = new List<ParametricOperation>();
        for (int g = 0; g < 14; g++)
        {
            var kind = DiagonalKinds[rng.Next(DiagonalKinds.Length)];
            var q = RandomParametricCircuits.RandomQubits(rng, n, GateInfo.QubitCount(kind));
            ops.Add(GateInfo.ParameterCount(kind) == 0
                ? ParametricOperation.Fixed(kind, [], q)
                : ParametricOperation.Rotation(kind, g % 3, q, scale: 1.5, offset: 0.25));
        }
        var theta = DenseReference.RandomAngles(3, rng);
        var table = new PhaseTable(n);
        DiagonalRun.Fill(table, ops, 0, ops.Count, theta);
        var dense = MathNet.Numerics.LinearAlgebra.Matrix<System.Numerics.Complex>.Build.DenseIdentity(1 << n);
        var bound = new double[4];
        foreach (var op in ops)
        {
            var p = bound[..GateInfo.ParameterCount(op.Kind)];
            op.BindParameters(theta, p);
            dense = DenseReference.Embed(n, op.Qubits, DenseReference.Local(op.Kind, p)) * dense;
        }
        for (int i = 0; i < 1 << n; i++)
            Assert.True((table.Values[i] - dense[i, i]).Magnitude < 1e-12, $"entry {i}");
    }
}
