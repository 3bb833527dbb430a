using QD3PM.Core.Circuits;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Gradients;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Gradients;

/// <summary>Pauli trajectories against the density-matrix simulator's depolarizing channel.</summary>
public sealed class DepolarizingTrajectoryTests
{
    private static ParametricCircuit Circuit()
    {
        var c = new ParametricCircuit(3, 4);
        c.Rotation(GateKind.RY, 0, [0]).Rotation(GateKind.RX, 1, [1]).Fixed(GateKind.H, [], 2);
        c.Rotation(GateKind.ZZ, 2, [0, 1]).Rotation(GateKind.ZZ, 3, [1, 2]).Fixed(GateKind.CX, [], 2, 0);
        c.Rotation(GateKind.RX, 0, [2]).Rotation(GateKind.RY, 3, [1]);
        return c;
    }

    [Fact]
    public void Mean_over_trajectories_is_the_density_matrix_distribution()
    {
        var circuit = Circuit();
        double[] theta = [0.7, -1.2, 0.4, 2.1];
        const double p = 0.2;
        var exact = NoisySimulator.Probabilities(circuit.Bind(theta), new NoiseModel(p, 0, 0), method: NoisyMethod.DensityMatrix);

        const int runs = 20000;
        var mean = new double[8];
        var state = new StateVector(3);
        var probabilities = new double[8];
        var rng = SplitMix64.For(7, 0, 0);
        for (int r = 0; r < runs; r++)
        {
            state.Reset();
            DepolarizingTrajectory.Draw(circuit, p, rng).Run(state, theta);
            state.Probabilities(probabilities);
            for (int i = 0; i < 8; i++) mean[i] += probabilities[i] / runs;
        }
        for (int i = 0; i < 8; i++) Assert.InRange(mean[i], exact[i] - 0.01, exact[i] + 0.01);
        var noiseless = new StateVector(3);
        circuit.Run(noiseless, theta);
        var clean = noiseless.Probabilities();
        Assert.Contains(Enumerable.Range(0, 8), i => Math.Abs(clean[i] - exact[i]) > 0.05); // the noise shows
    }

    [Fact]
    public void Zero_noise_is_the_circuit_itself_and_bad_probabilities_are_refused()
    {
        var circuit = Circuit();
        var same = DepolarizingTrajectory.Draw(circuit, 0, SplitMix64.For(1, 0, 0));
        Assert.Equal(circuit.Operations, same.Operations);
        Assert.Throws<ArgumentOutOfRangeException>(() => DepolarizingTrajectory.Draw(circuit, 1.5, SplitMix64.For(1, 0, 0)));
    }
}
