using QD3PM.Core.Circuits;

namespace QD3PM.Core.Simulation;

/// <summary>
/// Runs circuits under a <see cref="NoiseModel"/>: exactly with a <see cref="DensityMatrix"/> for small registers,
/// by Monte-Carlo trajectories (random Paulis for depolarizing, quantum jumps for amplitude damping) otherwise.
/// Readout error flips sampled bits (and mixes the reported probabilities the same way).
/// </summary>
public static class NoisySimulator
{
    /// <summary>Default number of trajectories when estimating probabilities of a large register.</summary>
    public const int DefaultTrajectories = 256;

    /// <summary>Most trajectories <see cref="SampleCounts"/> runs; with fewer shots each shot has its own trajectory.</summary>
    public const int MaxSamplingTrajectories = 4096;

    /// <summary>Outcome distribution including readout error (bit i of the index is qubit i).</summary>
    public static double[] Probabilities(Circuit circuit, NoiseModel noise, int trajectories = DefaultTrajectories,
        int seed = 0, NoisyMethod method = NoisyMethod.Auto)
    {
        var p = GateNoiseProbabilities(circuit, noise, trajectories, seed, method);
        ApplyReadoutError(p, circuit.QubitCount, noise.ReadoutError);
        return p;
    }

    /// <summary>Seeded measurement counts of all qubits (qubit n-1 leftmost), readout error included.</summary>
    public static Dictionary<string, int> SampleCounts(Circuit circuit, NoiseModel noise, int shots, Random rng,
        NoisyMethod method = NoisyMethod.Auto)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        noise.Validate();
        int n = circuit.QubitCount;
        var counts = new Dictionary<string, int>();
        if (Resolve(method, n) == NoisyMethod.DensityMatrix)
        {
            var state = new DensityMatrix(n);
            Evolve(state, circuit, noise);
            var p = state.Probabilities();
            double[] draws = SortedDraws(shots, rng);
            int next = 0;
            double cumulative = 0, total = p.Sum();
            for (int i = 0; i < p.Length && next < shots; i++)
            {
                cumulative += p[i];
                while (next < shots && (draws[next] * total < cumulative || i == p.Length - 1))
                {
                    next++;
                    Add(counts, Flip(i, n, noise.ReadoutError, rng), n);
                }
            }
            return counts;
        }

        // Trajectories: each noisy run of the circuit gives one pure state; one shot per run up to
        // MaxSamplingTrajectories runs, beyond that the shots are shared out evenly over the runs.
        int runs = Math.Max(1, Math.Min(shots, MaxSamplingTrajectories));
        var sv = new StateVector(n);
        for (int t = 0; t < runs; t++)
        {
            int share = shots / runs + (t < shots % runs ? 1 : 0);
            if (share == 0) continue;
            sv.Reset();
            RunTrajectory(sv, circuit, noise, rng);
            foreach (var (key, count) in sv.SampleCounts(share, rng))
            {
                long index = Convert.ToInt64(key.Length == 0 ? "0" : key, 2);
                for (int s = 0; s < count; s++) Add(counts, Flip(index, n, noise.ReadoutError, rng), n);
            }
        }
        return counts;
    }

    /// <summary>Probabilities before readout error.</summary>
    private static double[] GateNoiseProbabilities(Circuit circuit, NoiseModel noise, int trajectories, int seed, NoisyMethod method)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(noise);
        ArgumentOutOfRangeException.ThrowIfLessThan(trajectories, 1);
        noise.Validate();
        int n = circuit.QubitCount;
        if (Resolve(method, n) == NoisyMethod.DensityMatrix)
        {
            var state = new DensityMatrix(n);
            Evolve(state, circuit, noise);
            return state.Probabilities();
        }

        var sv = new StateVector(n);
        var rng = new Random(seed);
        var sum = new double[sv.Length];
        var p = new double[sv.Length];
        int runs = noise.HasGateNoise || circuit.Operations.Any(o => o.Kind == GateKind.Reset) ? trajectories : 1;
        for (int t = 0; t < runs; t++)
        {
            sv.Reset();
            RunTrajectory(sv, circuit, noise, rng);
            sv.Probabilities(p);
            for (int i = 0; i < p.Length; i++) sum[i] += p[i];
        }
        for (int i = 0; i < sum.Length; i++) sum[i] /= runs;
        return sum;
    }

    private static NoisyMethod Resolve(NoisyMethod method, int qubits) => method switch
    {
        NoisyMethod.Auto => qubits <= DensityMatrix.MaxQubits ? NoisyMethod.DensityMatrix : NoisyMethod.Trajectories,
        NoisyMethod.DensityMatrix when qubits > DensityMatrix.MaxQubits => throw new ArgumentException(
            $"density matrices hold at most {DensityMatrix.MaxQubits} qubits; use trajectories for {qubits}"),
        _ => method,
    };

    private static void Evolve(DensityMatrix state, Circuit circuit, NoiseModel noise)
    {
        foreach (var op in circuit.Operations)
        {
            state.Apply(op);
            if (!GateInfo.IsUnitary(op.Kind) || !noise.HasGateNoise) continue;
            foreach (int q in op.Qubits)
            {
                if (noise.Depolarizing > 0) state.ApplyDepolarizing(q, noise.Depolarizing);
                if (noise.AmplitudeDamping > 0) state.ApplyAmplitudeDamping(q, noise.AmplitudeDamping);
            }
        }
    }

    /// <summary>One unravelling of the noisy circuit into a pure state.</summary>
    private static void RunTrajectory(StateVector sv, Circuit circuit, NoiseModel noise, Random rng)
    {
        foreach (var op in circuit.Operations)
        {
            if (op.Kind == GateKind.Reset)
            {
                sv.ApplyReset(op.Qubits[0], rng);
                continue;
            }
            sv.Apply(op);
            if (!GateInfo.IsUnitary(op.Kind) || !noise.HasGateNoise) continue;
            foreach (int q in op.Qubits)
            {
                if (noise.Depolarizing > 0) Depolarize(sv, q, noise.Depolarizing, rng);
                if (noise.AmplitudeDamping > 0) Damp(sv, q, noise.AmplitudeDamping, rng);
            }
        }
    }

    // (1-3p/4) ρ + p/4 (XρX + YρY + ZρZ): each Pauli with probability p/4.
    private static void Depolarize(StateVector sv, int q, double p, Random rng)
    {
        double u = rng.NextDouble();
        if (u >= 3 * p / 4) return;
        var pauli = u < p / 4 ? GateMatrices.X : u < p / 2 ? GateMatrices.Y : GateMatrices.Z;
        sv.ApplyMatrix(q, pauli);
    }

    // Quantum jump with probability γ·P(q = 1): K1 = √γ |0⟩⟨1|; otherwise K0 = diag(1, √(1-γ)); then renormalise.
    private static void Damp(StateVector sv, int q, double gamma, Random rng)
    {
        double p1 = sv.Marginal([q])[1];
        double jump = gamma * p1;
        if (rng.NextDouble() < jump)
        {
            sv.ApplyMatrix(q, new Matrix2x2(0, 1, 0, 0));
            sv.Scale(1 / Math.Sqrt(p1));
        }
        else
        {
            sv.ApplyDiagonal(q, 1, Math.Sqrt(1 - gamma));
            sv.Scale(1 / Math.Sqrt(1 - jump));
        }
    }

    /// <summary>Mixes each bit of a distribution with the symmetric readout error e.</summary>
    public static void ApplyReadoutError(double[] p, int qubits, double e)
    {
        if (e == 0) return;
        for (int q = 0; q < qubits; q++)
        {
            int bit = 1 << q;
            for (int i = 0; i < p.Length; i++)
            {
                if ((i & bit) != 0) continue;
                double p0 = p[i], p1 = p[i | bit];
                p[i] = (1 - e) * p0 + e * p1;
                p[i | bit] = e * p0 + (1 - e) * p1;
            }
        }
    }

    private static long Flip(long index, int qubits, double e, Random rng)
    {
        if (e == 0) return index;
        for (int q = 0; q < qubits; q++)
            if (rng.NextDouble() < e) index ^= 1L << q;
        return index;
    }

    private static double[] SortedDraws(int shots, Random rng)
    {
        var draws = new double[shots];
        for (int s = 0; s < shots; s++) draws[s] = rng.NextDouble();
        Array.Sort(draws);
        return draws;
    }

    private static void Add(Dictionary<string, int> counts, long index, int qubits)
    {
        string key = StateVector.Bitstring(index, qubits);
        counts[key] = counts.GetValueOrDefault(key) + 1;
    }
}
