using Xunit;
using MathNet.Numerics.LinearAlgebra;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using Complex = System.Numerics.Complex;

namespace QD3PM.Core.Tests.Simulation;

/// <summary>Every gate, every placement of its qubits, on random states, against the dense Kronecker reference.</summary>
public sealed class GateKernelTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<GateKind> UnitaryGates()
    {
        var data = new TheoryData<GateKind>();
        foreach (var kind in Enum.GetValues<GateKind>())
            if (GateInfo.IsUnitary(kind)) data.Add(kind);
        return data;
    }

    public static TheoryData<GateKind, bool> UnitaryGatesBothKernels()
    {
        var data = new TheoryData<GateKind, bool>();
        foreach (var kind in Enum.GetValues<GateKind>())
            if (GateInfo.IsUnitary(kind)) { data.Add(kind, true); data.Add(kind, false); }
        return data;
    }

    [Theory]
    [MemberData(nameof(UnitaryGatesBothKernels))]
    public void Gate_matches_dense_reference_for_every_placement(GateKind kind, bool simd)
    {
        int arity = GateInfo.QubitCount(kind);
        // 1-2 qubit gates on 6 qubits, 3-4 qubit gates on 5, the 5-qubit C4X on 6 (a seeded sample of placements).
        int n = arity <= 2 ? 6 : arity <= 4 ? 5 : 6;
        var rng = new Random(1000 + (int)kind);
        var placements = DenseReference.Placements(n, arity).ToList();
        if (placements.Count > 150)
            placements = placements.OrderBy(_ => rng.Next()).Take(150).ToList();
        Assert.NotEmpty(placements);
        foreach (var qubits in placements)
        {
            var parameters = DenseReference.RandomAngles(GateInfo.ParameterCount(kind), rng);
            var psi = DenseReference.RandomState(n, rng);
            var expected = DenseReference.Embed(n, qubits, DenseReference.Local(kind, parameters)) * psi;

            var state = new StateVector(n, new SimulatorOptions { Threads = 1, Simd = simd });
            psi.AsArray().CopyTo(state.Amplitudes);
            state.Apply(new Operation(kind, qubits, parameters));

            double distance = DenseReference.MaxDistance(state.Amplitudes, expected);
            Assert.True(distance < Tolerance, $"{kind} on [{string.Join(",", qubits)}] off by {distance}");
        }
    }

    [Theory]
    [MemberData(nameof(UnitaryGates))]
    public void GateMatrices_unitary_matches_reference(GateKind kind)
    {
        var rng = new Random(7 + (int)kind);
        var parameters = DenseReference.RandomAngles(GateInfo.ParameterCount(kind), rng);
        var expected = DenseReference.Local(kind, parameters);
        var actual = Matrix<Complex>.Build.DenseOfArray(GateMatrices.Unitary(kind, parameters));
        Assert.True((expected - actual).FrobeniusNorm() < Tolerance, $"{kind}: {actual} vs {expected}");
        var identity = Matrix<Complex>.Build.DenseIdentity(actual.RowCount);
        Assert.True((actual * actual.ConjugateTranspose() - identity).FrobeniusNorm() < Tolerance, $"{kind} not unitary");
    }

    [Fact]
    public void Direct_methods_match_reference_for_arbitrary_matrices()
    {
        const int n = 5;
        var rng = new Random(42);
        foreach (var qubits in DenseReference.Placements(n, 3))
        {
            // A random (non-unitary is fine for a linear kernel) 2x2 matrix under two controls.
            var m = new Matrix2x2(Rand(rng), Rand(rng), Rand(rng), Rand(rng));
            var local = Matrix<Complex>.Build.DenseOfArray(new[,] { { m.M00, m.M01 }, { m.M10, m.M11 } });
            var psi = DenseReference.RandomState(n, rng);
            var expected = DenseReference.Embed(n, qubits, DenseReference.Controlled(local, 2)) * psi;
            var state = new StateVector(n);
            psi.AsArray().CopyTo(state.Amplitudes);
            state.ApplyControlledMatrix(qubits.AsSpan(0, 2), qubits[2], m);
            Assert.True(DenseReference.MaxDistance(state.Amplitudes, expected) < Tolerance);
        }

        for (int q = 0; q < n; q++)
        {
            Complex d0 = Rand(rng), d1 = Rand(rng);
            var psi = DenseReference.RandomState(n, rng);
            var local = Matrix<Complex>.Build.DenseOfArray(new[,] { { d0, 0 }, { 0, d1 } });
            var expected = DenseReference.Embed(n, [q], local) * psi;
            var state = new StateVector(n);
            psi.AsArray().CopyTo(state.Amplitudes);
            state.ApplyDiagonal(q, d0, d1);
            Assert.True(DenseReference.MaxDistance(state.Amplitudes, expected) < Tolerance);
        }
    }

    [Fact]
    public void Named_methods_equal_their_gates()
    {
        const int n = 4;
        var rng = new Random(5);
        var psi = DenseReference.RandomState(n, rng);
        var viaMethods = new StateVector(n);
        var viaOperations = new StateVector(n);
        psi.AsArray().CopyTo(viaMethods.Amplitudes);
        psi.AsArray().CopyTo(viaOperations.Amplitudes);
        viaMethods.ApplyRx(0, 0.3); viaMethods.ApplyRy(1, -1.1); viaMethods.ApplyRz(2, 2.5); viaMethods.ApplyH(3);
        viaMethods.ApplyX(1); viaMethods.ApplyCx(3, 0); viaMethods.ApplyZz(1, 2, 0.7);
        var c = new Circuit(n).Rx(0, 0.3).Ry(1, -1.1).Rz(2, 2.5).H(3).X(1).Cx(3, 0).Zz(1, 2, 0.7);
        viaOperations.Apply(c);
        var expected = Vector<Complex>.Build.DenseOfArray(viaOperations.Amplitudes.ToArray());
        Assert.True(DenseReference.MaxDistance(viaMethods.Amplitudes, expected) < Tolerance);
        Assert.True(Math.Abs(viaMethods.NormSquared() - 1) < 1e-12);
    }

    [Fact]
    public void Measure_barrier_and_id_leave_the_state_alone()
    {
        var state = new StateVector(3);
        state.Apply(new Circuit(3, 1).H(0).Cx(0, 1).Barrier(0, 1, 2).Measure(1, 0).Id(2));
        Assert.Equal(0.5, state.Probabilities()[0b000], 12);
        Assert.Equal(0.5, state.Probabilities()[0b011], 12);
    }

    [Fact]
    public void Reset_returns_the_qubit_to_zero_and_keeps_the_rest()
    {
        var state = new StateVector(2, new SimulatorOptions { ResetSeed = 3 });
        state.Apply(new Circuit(2).X(1).H(0).Reset(0).Reset(1));
        Assert.Equal(1, state.Probabilities()[0], 12);

        // Entangled: resetting qubit 0 of a Bell state leaves qubit 1 in 0 or 1 with the measured value.
        var bell = new StateVector(2);
        bell.Apply(new Circuit(2).H(0).Cx(0, 1));
        bell.ApplyReset(0, new Random(1));
        var p = bell.Probabilities();
        Assert.Equal(0, p[1] + p[3], 12);
        Assert.Equal(1, p[0] + p[2], 12);
        Assert.True(p[0] is 0 or 1 && Math.Abs(p[0] + p[2] - 1) < 1e-12);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        var state = new StateVector(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.ApplyH(3));
        Assert.Throws<ArgumentException>(() => state.ApplyCx(1, 1));
        Assert.Throws<ArgumentException>(() => state.Apply(new Operation(GateKind.RX, [0], [])));
        Assert.Throws<ArgumentException>(() => state.Apply(Operation.Gate(GateKind.CX, 0)));
        Assert.Throws<ArgumentException>(() => state.ApplyControlledMatrix([0, 0], 1, GateMatrices.X));
    }

    private static Complex Rand(Random rng) => new(rng.NextDouble() * 2 - 1, rng.NextDouble() * 2 - 1);
}
