using MathNet.Numerics.LinearAlgebra;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using Xunit;
using Complex = System.Numerics.Complex;

namespace QD3PM.Core.Tests.Simulation;

public sealed class NoiseTests
{
    private const double Tolerance = 1e-12;

    private static Circuit RandomCircuit(int n, int gates, Random rng)
    {
        var kinds = Enum.GetValues<GateKind>().Where(k => GateInfo.IsUnitary(k) && GateInfo.QubitCount(k) <= n).ToArray();
        var c = new Circuit(n);
        for (int g = 0; g < gates; g++)
        {
            var kind = kinds[rng.Next(kinds.Length)];
            var qubits = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(GateInfo.QubitCount(kind)).ToArray();
            c.Add(new Operation(kind, qubits, DenseReference.RandomAngles(GateInfo.ParameterCount(kind), rng)));
        }
        return c;
    }

    [Fact]
    public void Noiseless_density_matrix_is_the_projector_of_the_state_vector()
    {
        var rng = new Random(3);
        for (int trial = 0; trial < 5; trial++)
        {
            var circuit = RandomCircuit(4, 30, rng);
            var psi = new StateVector(4);
            psi.Apply(circuit);
            var rho = new DensityMatrix(4);
            rho.Apply(circuit);
            for (int r = 0; r < 16; r++)
                for (int c = 0; c < 16; c++)
                    Assert.True((rho[r, c] - psi.Amplitudes[r] * Complex.Conjugate(psi.Amplitudes[c])).Magnitude < 1e-12);
            Assert.Equal(1, rho.Purity(), 10);
        }
    }

    [Fact]
    public void Depolarized_bell_state_matches_the_analytic_distribution()
    {
        const double p = 0.3;
        var rho = new DensityMatrix(2);
        rho.Apply(new Circuit(2).H(0).Cx(0, 1));
        rho.ApplyDepolarizing(0, p);
        rho.ApplyDepolarizing(1, p);
        // (1-p)² |Φ+⟩⟨Φ+| + (1 - (1-p)²) I/4.
        double coherent = (1 - p) * (1 - p);
        var probabilities = rho.Probabilities();
        Assert.Equal(coherent / 2 + (1 - coherent) / 4, probabilities[0b00], 12);
        Assert.Equal((1 - coherent) / 4, probabilities[0b01], 12);
        Assert.Equal((1 - coherent) / 4, probabilities[0b10], 12);
        Assert.Equal(coherent / 2, rho[0b00, 0b11].Real, 12);
        Assert.Equal(1, rho.Trace().Real, 12);
    }

    [Fact]
    public void Full_depolarizing_gives_the_maximally_mixed_qubit()
    {
        var rho = new DensityMatrix(1);
        rho.Apply(new Circuit(1).Ry(0, 0.9));
        rho.ApplyDepolarizing(0, 1);
        Assert.Equal(0.5, rho.Probabilities()[0], 12);
        Assert.Equal(0.5, rho.Purity(), 12);
    }

    [Fact]
    public void Amplitude_damping_decays_one_and_shrinks_coherences()
    {
        const double gamma = 0.25;
        var one = new DensityMatrix(1);
        one.Apply(new Circuit(1).X(0));
        one.ApplyAmplitudeDamping(0, gamma);
        Assert.Equal(1 - gamma, one.Probabilities()[1], 12);
        Assert.Equal(gamma, one.Probabilities()[0], 12);

        var plus = new DensityMatrix(1);
        plus.Apply(new Circuit(1).H(0));
        plus.ApplyAmplitudeDamping(0, gamma);
        Assert.Equal(Math.Sqrt(1 - gamma) / 2, plus[0, 1].Real, 12);
        Assert.Equal((1 + gamma) / 2, plus.Probabilities()[0], 12);
    }

    /// <summary>Noisy circuits against Kraus operators applied with MathNet: ρ → Σ K ρ K†.</summary>
    [Fact]
    public void Noisy_density_matrix_matches_a_kraus_reference()
    {
        var noise = new NoiseModel(0.07, 0.11, 0);
        var rng = new Random(8);
        const int n = 3;
        var circuit = RandomCircuit(n, 12, rng);
        var b = Matrix<Complex>.Build;
        var rho = b.Dense(8, 8);
        rho[0, 0] = 1;
        double p = noise.Depolarizing, g = noise.AmplitudeDamping;
        var depolarizing = new[]
        {
            DenseReference.Id2 * Math.Sqrt(1 - 3 * p / 4), DenseReference.PauliX * Math.Sqrt(p / 4),
            DenseReference.PauliY * Math.Sqrt(p / 4), DenseReference.PauliZ * Math.Sqrt(p / 4),
        };
        var damping = new[]
        {
            b.DenseOfArray(new Complex[,] { { 1, 0 }, { 0, Math.Sqrt(1 - g) } }),
            b.DenseOfArray(new Complex[,] { { 0, Math.Sqrt(g) }, { 0, 0 } }),
        };
        foreach (var op in circuit.Operations)
        {
            var u = DenseReference.Embed(n, op.Qubits, DenseReference.Local(op.Kind, op.Parameters));
            rho = u * rho * u.ConjugateTranspose();
            foreach (int q in op.Qubits)
                foreach (var channel in new[] { depolarizing, damping })
                {
                    var next = b.Dense(8, 8);
                    foreach (var k in channel)
                    {
                        var kk = DenseReference.Embed(n, [q], k);
                        next += kk * rho * kk.ConjugateTranspose();
                    }
                    rho = next;
                }
        }
        var actual = NoisySimulator.Probabilities(circuit, noise);
        for (int i = 0; i < 8; i++) Assert.Equal(rho[i, i].Real, actual[i], 12);
    }

    [Fact]
    public void Noise_model_after_x_gives_the_analytic_one_probability_with_readout()
    {
        var noise = new NoiseModel(0.2, 0.1, 0.05);
        var probabilities = NoisySimulator.Probabilities(new Circuit(1).X(0), noise);
        double p1 = (1 - 0.2 / 2) * (1 - 0.1);
        double expected = p1 * (1 - 0.05) + (1 - p1) * 0.05;
        Assert.Equal(expected, probabilities[1], 12);
        Assert.Equal(1, probabilities.Sum(), 12);
    }

    [Fact]
    public void Trajectories_agree_with_the_density_matrix()
    {
        var noise = new NoiseModel(0.1, 0.15, 0.02);
        var circuit = new Circuit(3).H(0).Cx(0, 1).Ry(2, 1.1).Cx(1, 2).Zz(0, 2, 0.4).H(1);
        var exact = NoisySimulator.Probabilities(circuit, noise, method: NoisyMethod.DensityMatrix);
        var sampled = NoisySimulator.Probabilities(circuit, noise, trajectories: 4000, seed: 5, method: NoisyMethod.Trajectories);
        for (int i = 0; i < exact.Length; i++) Assert.InRange(sampled[i] - exact[i], -0.02, 0.02);
        // And the noise visibly matters: the noiseless distribution is further away than the tolerance somewhere.
        var clean = NoisySimulator.Probabilities(circuit, NoiseModel.None);
        Assert.Contains(Enumerable.Range(0, 8), i => Math.Abs(clean[i] - exact[i]) > 0.03);
    }

    [Fact]
    public void Sampled_counts_follow_the_noisy_distribution_with_both_methods()
    {
        var noise = new NoiseModel(0.05, 0.1, 0.1);
        var circuit = new Circuit(2).X(0).X(1);
        var exact = NoisySimulator.Probabilities(circuit, noise);
        foreach (var method in new[] { NoisyMethod.DensityMatrix, NoisyMethod.Trajectories })
        {
            // 4000 shots, each its own trajectory: a standard error below 0.008, so 0.03 is about 4 sigma.
            var counts = NoisySimulator.SampleCounts(circuit, noise, 4000, new Random(4), method);
            Assert.Equal(4000, counts.Values.Sum());
            for (int i = 0; i < 4; i++)
            {
                double frequency = counts.GetValueOrDefault(StateVector.Bitstring(i, 2)) / 4000.0;
                Assert.InRange(frequency - exact[i], -0.03, 0.03);
            }
            Assert.Equal(counts, NoisySimulator.SampleCounts(circuit, noise, 4000, new Random(4), method));
        }
    }

    [Fact]
    public void Bad_noise_and_sizes_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NoisySimulator.Probabilities(new Circuit(1).X(0), new NoiseModel(1.5, 0, 0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DensityMatrix(DensityMatrix.MaxQubits + 1));
        Assert.Throws<ArgumentException>(() =>
            NoisySimulator.Probabilities(new Circuit(DensityMatrix.MaxQubits + 1), NoiseModel.None, method: NoisyMethod.DensityMatrix));
    }

    [Fact]
    public void Reset_in_a_density_matrix_traces_the_qubit_out()
    {
        var rho = new DensityMatrix(2);
        rho.Apply(new Circuit(2).H(0).Cx(0, 1).Reset(0));
        var p = rho.Probabilities();
        Assert.Equal(0.5, p[0b00], 12);
        Assert.Equal(0.5, p[0b10], 12);
        Assert.Equal(0, rho[0b00, 0b10].Magnitude, 12);
    }
}
