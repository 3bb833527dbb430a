using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using QD3PM.Nodes.Qpu.Emulator;
using Xunit;

namespace QD3PM.Nodes.Tests.Qpu;

/// <summary>The emulator's Pauli-basis simulator against the dense density-matrix reference of Core.</summary>
public sealed class PauliTransferSimulatorTests
{
    private static readonly GateKind[] OneQubit = [GateKind.RX, GateKind.RY, GateKind.RZ, GateKind.H, GateKind.S, GateKind.T, GateKind.SX, GateKind.X, GateKind.U3];
    private static readonly GateKind[] TwoQubit = [GateKind.CX, GateKind.CZ, GateKind.RZZ, GateKind.Swap, GateKind.CRY, GateKind.ZZ];

    private static Circuit Random(int qubits, int gates, int seed)
    {
        var rng = new Random(seed);
        var c = new Circuit(qubits, qubits);
        for (int g = 0; g < gates; g++)
        {
            if (qubits > 1 && rng.NextDouble() < 0.35)
            {
                var kind = TwoQubit[rng.Next(TwoQubit.Length)];
                int a = rng.Next(qubits), b = (a + 1 + rng.Next(qubits - 1)) % qubits;
                var parameters = new double[GateInfo.ParameterCount(kind)];
                for (int i = 0; i < parameters.Length; i++) parameters[i] = rng.NextDouble() * 6 - 3;
                c.Add(Operation.WithParameters(kind, parameters, a, b));
            }
            else
            {
                var kind = OneQubit[rng.Next(OneQubit.Length)];
                var parameters = new double[GateInfo.ParameterCount(kind)];
                for (int i = 0; i < parameters.Length; i++) parameters[i] = rng.NextDouble() * 6 - 3;
                c.Add(Operation.WithParameters(kind, parameters, rng.Next(qubits)));
            }
        }
        return c;
    }

    [Theory]
    [InlineData(1, 0.0, 0.0, 0.0)]
    [InlineData(3, 0.0, 0.0, 0.0)]
    [InlineData(3, 0.02, 0.0, 0.03)]
    [InlineData(4, 0.01, 0.05, 0.02)]
    [InlineData(5, 0.05, 0.02, 0.1)]
    public void Distribution_of_all_qubits_matches_the_density_matrix(int qubits, double depolarizing, double damping, double readout)
    {
        var noise = new NoiseModel(depolarizing, damping, readout);
        for (int seed = 0; seed < 8; seed++)
        {
            var circuit = Random(qubits, 40, seed);
            var expected = NoisySimulator.Probabilities(circuit, noise, method: NoisyMethod.DensityMatrix);
            var actual = PauliTransferSimulator.ClassicalDistribution(circuit, noise, Enumerable.Range(0, qubits).ToArray());
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++)
                Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-10, $"seed {seed}, outcome {i}: {actual[i]} vs {expected[i]}");
        }
    }

    [Fact]
    public void Classical_register_is_the_marginal_of_the_measured_qubits_in_clbit_order()
    {
        var noise = new NoiseModel(0.02, 0.01, 0.05);
        var circuit = Random(4, 30, 11);
        // clbit 0 reads qubit 2, clbit 1 reads qubit 0, clbit 2 is never written
        int[] sources = [2, 0, -1];
        var full = NoisySimulator.Probabilities(circuit, noise, method: NoisyMethod.DensityMatrix);
        var expected = new double[8];
        for (int i = 0; i < full.Length; i++)
            expected[(i >> 2 & 1) | (i & 1) << 1] += full[i];
        var actual = PauliTransferSimulator.ClassicalDistribution(circuit, noise, sources);
        for (int x = 0; x < 8; x++)
            Assert.True(Math.Abs(expected[x] - actual[x]) < 1e-10, $"outcome {x}: {actual[x]} vs {expected[x]}");
    }

    [Fact]
    public void Three_qubit_gates_and_resets_are_left_to_the_density_matrix()
    {
        Assert.False(PauliTransferSimulator.Supports(new Circuit(3).Gate(GateKind.CCX, 0, 1, 2)));
        var reset = new Circuit(1);
        reset.Add(Operation.Reset(0));
        Assert.False(PauliTransferSimulator.Supports(reset));
        Assert.True(PauliTransferSimulator.Supports(new Circuit(2).Gate(GateKind.CX, 0, 1)));
    }
}
