using QD3PM.Core.Circuits;
using QD3PM.Core.Gradients;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Gradients;

/// <summary>Adjoint differentiation, parameter shift and central finite differences on random circuits.</summary>
public sealed class GradientTests
{
    private const double FiniteDifferenceStep = 1e-5;

    /// <summary>Gate by gate through the simulator's general path (not the fused plan the gradients use).</summary>
    private static double Expectation(ParametricCircuit circuit, double[] theta, double[] observable)
    {
        var state = new StateVector(circuit.QubitCount);
        state.Apply(circuit.Bind(theta));
        return state.ExpectationDiagonal(observable);
    }

    private static double[] FiniteDifferences(Func<double[], double> f, double[] theta)
    {
        var gradient = new double[theta.Length];
        for (int j = 0; j < theta.Length; j++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[j] += FiniteDifferenceStep;
            minus[j] -= FiniteDifferenceStep;
            gradient[j] = (f(plus) - f(minus)) / (2 * FiniteDifferenceStep);
        }
        return gradient;
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int j = 0; j < expected.Length; j++)
            Assert.True(Math.Abs(expected[j] - actual[j]) <= tolerance,
                $"{what}: d/dθ[{j}] expected {expected[j]:R}, got {actual[j]:R} (diff {Math.Abs(expected[j] - actual[j]):E2})");
    }

    [Theory]
    [InlineData(5, 1, 3, 12)]
    [InlineData(1, 2, 6, 10)]
    [InlineData(2, 3, 8, 30)]
    [InlineData(3, 4, 10, 50)]
    [InlineData(4, 5, 12, 70)]
    public void Adjoint_and_parameter_shift_agree_and_match_finite_differences(int seed, int qubits, int parameters, int gates)
    {
        var rng = new Random(seed);
        var circuit = RandomParametricCircuits.Create(rng, qubits, parameters, gates, RandomParametricCircuits.ShiftableKinds);
        var theta = RandomParametricCircuits.RandomVector(rng, parameters, Math.PI);
        var observable = RandomParametricCircuits.RandomVector(rng, 1 << qubits, 1);

        var adjoint = new double[parameters];
        var shift = new double[parameters];
        double e1 = AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, adjoint);
        double e2 = ParameterShift.ExpectationAndGradient(circuit, theta, observable, shift);
        double e0 = Expectation(circuit, theta, observable);

        Assert.Equal(e0, e1, 12);
        Assert.Equal(e0, e2, 12);
        Assert.Contains(adjoint, g => Math.Abs(g) > 1e-3); // a non-trivial gradient, or the test proves nothing
        AssertClose(shift, adjoint, 1e-10, "adjoint vs shift");
        AssertClose(FiniteDifferences(t => Expectation(circuit, t, observable), theta), adjoint, 1e-6, "adjoint vs finite differences");
    }

    [Theory]
    [InlineData(11, 3)]
    [InlineData(12, 4)]
    [InlineData(13, 5)]
    public void Adjoint_handles_every_parametrisable_gate_kind(int seed, int qubits)
    {
        var rng = new Random(seed);
        var kinds = RandomParametricCircuits.AllParametricKinds;
        var circuit = RandomParametricCircuits.Create(rng, qubits, 9, 60, kinds);
        // Make sure every kind appears at least once on top of the random mix.
        foreach (var kind in kinds)
        {
            var constants = Enumerable.Range(0, GateInfo.ParameterCount(kind) - 1).Select(_ => rng.NextDouble() * 2).ToArray();
            circuit.Add(new ParametricOperation(kind, RandomParametricCircuits.RandomQubits(rng, qubits, GateInfo.QubitCount(kind)),
                constants, rng.Next(9), 0.7, 0.3));
            circuit.Add(ParametricOperation.Fixed(GateKind.H, [], rng.Next(qubits)));
        }
        var theta = RandomParametricCircuits.RandomVector(rng, 9, Math.PI);
        var observable = RandomParametricCircuits.RandomVector(rng, 1 << qubits, 1);

        var adjoint = new double[9];
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, adjoint);
        AssertClose(FiniteDifferences(t => Expectation(circuit, t, observable), theta), adjoint, 1e-6, "adjoint vs finite differences");
    }

    [Fact]
    public void Zz_with_scale_and_offset_follows_the_quarter_pi_rule()
    {
        var circuit = new ParametricCircuit(3, 2)
            .Fixed(GateKind.H, [], 0).Fixed(GateKind.H, [], 1).Fixed(GateKind.H, [], 2)
            .Rotation(GateKind.ZZ, 0, [0, 1], scale: -1.7, offset: 0.4)
            .Rotation(GateKind.ZZ, 0, [1, 2], scale: 2.5)
            .Rotation(GateKind.RX, 1, [1])
            .Rotation(GateKind.ZZ, 1, [2, 0], offset: -0.9)
            .Fixed(GateKind.H, [], 0).Fixed(GateKind.H, [], 1).Fixed(GateKind.H, [], 2);
        double[] theta = [0.37, -1.1];
        var observable = RandomParametricCircuits.RandomVector(new Random(5), 8, 1);

        var adjoint = new double[2];
        var shift = new double[2];
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, adjoint);
        ParameterShift.ExpectationAndGradient(circuit, theta, observable, shift);
        Assert.Equal(new ShiftRule(Math.PI / 4, 1), ParameterShift.RuleFor(GateKind.ZZ));
        AssertClose(shift, adjoint, 1e-10, "adjoint vs shift");
        AssertClose(FiniteDifferences(t => Expectation(circuit, t, observable), theta), adjoint, 1e-6, "adjoint vs finite differences");
    }

    /// <summary>The model's shape: RX-RY-RX layers and all-to-all ZZ (long diagonal runs, shared parameters).</summary>
    private static ParametricCircuit ModelShaped(int qubits, int layers, out int parameters)
    {
        int next = 0;
        var circuit = new List<ParametricOperation>();
        for (int q = 0; q < qubits; q++) circuit.Add(ParametricOperation.Rotation(GateKind.RY, next++, [q], scale: q % 2 == 0 ? 1 : 0.5));
        for (int l = 0; l < layers; l++)
        {
            foreach (var kind in new[] { GateKind.RX, GateKind.RY, GateKind.RX })
                for (int q = 0; q < qubits; q++) circuit.Add(ParametricOperation.Rotation(kind, next++, [q]));
            for (int a = 0; a < qubits; a++)
                for (int b = a + 1; b < qubits; b++)
                    circuit.Add(ParametricOperation.Rotation(GateKind.ZZ, (a + b) % 3 == 0 ? 0 : next++, [a, b], scale: 1.3, offset: 0.1));
        }
        parameters = next;
        var result = new ParametricCircuit(qubits, next);
        foreach (var op in circuit) result.Add(op);
        return result;
    }

    [Fact]
    public void Model_shaped_circuit_with_long_diagonal_runs()
    {
        var circuit = ModelShaped(5, 3, out int parameters);
        var rng = new Random(8);
        var theta = RandomParametricCircuits.RandomVector(rng, parameters, 1.5);
        var observable = RandomParametricCircuits.RandomVector(rng, 32, 1);
        var adjoint = new double[parameters];
        var shift = new double[parameters];
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, adjoint);
        ParameterShift.ExpectationAndGradient(circuit, theta, observable, shift);
        AssertClose(shift, adjoint, 1e-10, "adjoint vs shift");
        AssertClose(FiniteDifferences(t => Expectation(circuit, t, observable), theta), adjoint, 1e-6, "adjoint vs finite differences");
    }

    [Fact]
    public void Diagonal_runs_of_every_diagonal_kind()
    {
        // Runs long enough to take the Walsh-Hadamard path: RZ, RZZ, ZZ, P, CP, CRZ mixed with fixed Z, S, T, CZ.
        var rng = new Random(9);
        var circuit = new ParametricCircuit(3, 6);
        GateKind[] diagonal = [GateKind.RZ, GateKind.RZZ, GateKind.ZZ, GateKind.P, GateKind.CP, GateKind.CRZ];
        GateKind[] fixedDiagonal = [GateKind.Z, GateKind.S, GateKind.Tdg, GateKind.CZ];
        for (int layer = 0; layer < 4; layer++)
        {
            for (int q = 0; q < 3; q++) circuit.Add(ParametricOperation.Rotation(GateKind.RX, rng.Next(6), [q], offset: 0.2));
            circuit.Add(ParametricOperation.Fixed(GateKind.H, [], layer % 3));
            for (int g = 0; g < 8; g++)
            {
                if (g % 3 == 2)
                {
                    var f = fixedDiagonal[rng.Next(fixedDiagonal.Length)];
                    circuit.Add(ParametricOperation.Fixed(f, [], RandomParametricCircuits.RandomQubits(rng, 3, GateInfo.QubitCount(f))));
                    continue;
                }
                var kind = diagonal[rng.Next(diagonal.Length)];
                circuit.Add(ParametricOperation.Rotation(kind, rng.Next(6), RandomParametricCircuits.RandomQubits(rng, 3, GateInfo.QubitCount(kind)),
                    scale: 0.5 + rng.NextDouble(), offset: rng.NextDouble()));
            }
        }
        var theta = RandomParametricCircuits.RandomVector(rng, 6, 2);
        var observable = RandomParametricCircuits.RandomVector(rng, 8, 1);
        var adjoint = new double[6];
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, adjoint);
        Assert.Contains(adjoint, g => Math.Abs(g) > 1e-3);
        AssertClose(FiniteDifferences(t => Expectation(circuit, t, observable), theta), adjoint, 1e-6, "adjoint vs finite differences");
    }

    [Fact]
    public void Gradient_is_accumulated_not_overwritten()
    {
        var rng = new Random(21);
        var circuit = RandomParametricCircuits.Create(rng, 3, 4, 20, RandomParametricCircuits.ShiftableKinds);
        var theta = RandomParametricCircuits.RandomVector(rng, 4, 2);
        var observable = RandomParametricCircuits.RandomVector(rng, 8, 1);
        var once = new double[4];
        var twice = new double[4];
        var workspace = new AdjointWorkspace(3);
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, once, workspace);
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, twice, workspace);
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, twice, workspace);
        AssertClose(once.Select(g => 2 * g).ToArray(), twice, 1e-13, "accumulation with a reused workspace");
    }

    [Theory]
    [InlineData(GateKind.CRX)]
    [InlineData(GateKind.CRY)]
    [InlineData(GateKind.CRZ)]
    [InlineData(GateKind.CP)]
    [InlineData(GateKind.CU3)]
    [InlineData(GateKind.CU)]
    public void Parameter_shift_refuses_gates_with_three_generator_eigenvalues(GateKind kind)
    {
        var circuit = new ParametricCircuit(2, 1);
        circuit.Add(new ParametricOperation(kind, [0, 1], new double[GateInfo.ParameterCount(kind) - 1], 0));
        var gradient = new double[1];
        var error = Assert.Throws<NotSupportedException>(() =>
            ParameterShift.ExpectationAndGradient(circuit, [0.3], new double[4], gradient));
        Assert.Contains("eigenvalues", error.Message);
        Assert.Equal(0, gradient[0]);
    }

    [Fact]
    public void Chain_rule_through_a_marginal_loss_matches_finite_differences()
    {
        // L(θ) = Σ_m p_m(θ)² over the marginal of qubits {0, 2} of a 4-qubit circuit; dL/dp_i = 2 p_{m(i)}.
        var rng = new Random(33);
        var circuit = RandomParametricCircuits.Create(rng, 4, 7, 40, RandomParametricCircuits.ShiftableKinds);
        var theta = RandomParametricCircuits.RandomVector(rng, 7, Math.PI);
        int[] subset = [0, 2];

        double Loss(double[] t)
        {
            var state = new StateVector(4);
            circuit.Run(state, t);
            return state.Marginal(subset).Sum(p => p * p);
        }

        var s = new StateVector(4);
        circuit.Run(s, theta);
        var marginal = s.Marginal(subset);
        var w = new double[16];
        for (int i = 0; i < 16; i++)
            w[i] = 2 * marginal[(i & 1) | ((i >> 2) & 1) << 1];

        var gradient = new double[7];
        var shift = new double[7];
        AdjointDifferentiation.ExpectationAndGradient(circuit, theta, w, gradient);
        ParameterShift.ExpectationAndGradient(circuit, theta, w, shift);
        Assert.Contains(gradient, g => Math.Abs(g) > 1e-3);
        AssertClose(shift, gradient, 1e-10, "chain rule: adjoint vs shift");
        AssertClose(FiniteDifferences(Loss, theta), gradient, 1e-6, "chain rule vs finite differences");
    }

    [Fact]
    public void Run_matches_the_bound_circuit_on_the_simulator()
    {
        var rng = new Random(44);
        var circuit = RandomParametricCircuits.Create(rng, 4, 6, 80, RandomParametricCircuits.AllParametricKinds);
        var theta = RandomParametricCircuits.RandomVector(rng, 6, Math.PI);
        var viaRun = new StateVector(4);
        circuit.Run(viaRun, theta);
        var viaBind = new StateVector(4);
        viaBind.Apply(circuit.Bind(theta));
        Assert.True(Math.Abs(viaRun.InnerProduct(viaBind).Magnitude - 1) < 1e-12);
        for (int i = 0; i < 16; i++)
            Assert.True((viaRun.Amplitudes[i] - viaBind.Amplitudes[i]).Magnitude < 1e-12);
    }

    [Fact]
    public void Gate_applier_inverse_undoes_every_unitary_gate()
    {
        var rng = new Random(55);
        foreach (var kind in Enum.GetValues<GateKind>().Where(k => GateInfo.IsUnitary(k) && k != GateKind.Barrier))
        {
            int n = Math.Max(3, GateInfo.QubitCount(kind));
            var qubits = RandomParametricCircuits.RandomQubits(rng, n, GateInfo.QubitCount(kind));
            var parameters = RandomParametricCircuits.RandomVector(rng, GateInfo.ParameterCount(kind), 3);
            var state = new StateVector(n);
            for (int q = 0; q < n; q++) state.ApplyRy(q, rng.NextDouble() * 3);
            for (int q = 0; q < n; q++) state.ApplyRz(q, rng.NextDouble() * 3);
            var original = state.Clone();

            var reference = state.Clone();
            reference.Apply(new Operation(kind, qubits, parameters));
            GateApplier.Apply(state, kind, qubits, parameters, inverse: false);
            for (int i = 0; i < state.Length; i++)
                Assert.True((state.Amplitudes[i] - reference.Amplitudes[i]).Magnitude < 1e-12, $"{kind} forward differs");
            GateApplier.Apply(state, kind, qubits, parameters, inverse: true);
            for (int i = 0; i < state.Length; i++)
                Assert.True((state.Amplitudes[i] - original.Amplitudes[i]).Magnitude < 1e-12, $"{kind} inverse does not undo it");
        }
    }

    [Fact]
    public void Invalid_operations_are_refused_when_added()
    {
        var circuit = new ParametricCircuit(2, 1);
        Assert.Throws<ArgumentException>(() => circuit.Add(new ParametricOperation(GateKind.H, [0], [], 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => circuit.Add(new ParametricOperation(GateKind.RX, [0], [], 1)));
        Assert.Throws<ArgumentException>(() => circuit.Add(new ParametricOperation(GateKind.U3, [0], [1.0], 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => circuit.Add(new ParametricOperation(GateKind.RX, [2], [], 0)));
        Assert.Throws<ArgumentException>(() => circuit.Add(new ParametricOperation(GateKind.Measure, [0], [])));
    }
}
