using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>
/// Turns one circuit into the counts a noisy QPU would return. For registers a density matrix holds, the noisy
/// outcome distribution (gate noise, then readout error) is computed ONCE, reduced to the classical register the
/// circuit measures, and the shots are drawn from that small distribution: the cost no longer grows with the shots
/// (the old path flipped readout bits and built a key string per shot, about 2 ms for 1,000 shots on five qubits).
/// Wider registers fall back to <see cref="NoisySimulator.SampleCounts"/> (trajectories). Keys are the classical
/// register, highest bit leftmost; a circuit that measures nothing reports all qubits.
/// </summary>
public static class OutcomeSampler
{
    public static Dictionary<string, int> Sample(Circuit circuit, NoiseModel noise, int shots, Random rng)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var measures = new List<Operation>();
        foreach (var op in circuit.Operations)
            if (op.Kind == GateKind.Measure) measures.Add(op);
        bool all = measures.Count == 0 || circuit.ClbitCount == 0;
        int bits = all ? circuit.QubitCount : circuit.ClbitCount;
        if (PauliTransferSimulator.Supports(circuit))
            return Draw(PauliTransferSimulator.ClassicalDistribution(circuit, noise, Sources(circuit, all, measures)), bits, shots, rng);
        if (circuit.QubitCount > DensityMatrix.MaxQubits || circuit.Operations.Any(o => o.Kind == GateKind.Reset))
            return all ? NoisySimulator.SampleCounts(circuit, noise, shots, rng) : Registers(NoisySimulator.SampleCounts(circuit, noise, shots, rng), circuit, measures);

        var p = NoisySimulator.Probabilities(circuit, noise); // readout error included, bit i = qubit i
        var classical = all ? p : Classical(p, circuit, measures);
        return Draw(classical, bits, shots, rng);
    }

    /// <summary>The qubit each classical bit reads (the last measurement into it wins; -1: never written).</summary>
    private static int[] Sources(Circuit circuit, bool all, List<Operation> measures)
    {
        if (all) return Enumerable.Range(0, circuit.QubitCount).ToArray();
        var source = new int[circuit.ClbitCount];
        Array.Fill(source, -1);
        foreach (var m in measures)
            source[m.Clbits[0]] = m.Qubits[0];
        return source;
    }

    /// <summary>The distribution of the classical register: clbit c takes the value of the last qubit measured into it.</summary>
    private static double[] Classical(double[] p, Circuit circuit, List<Operation> measures)
    {
        var source = Sources(circuit, false, measures);
        int clbits = circuit.ClbitCount;
        var q = new double[1 << clbits];
        for (int i = 0; i < p.Length; i++)
        {
            if (p[i] == 0) continue;
            int x = 0;
            for (int c = 0; c < clbits; c++)
                if (source[c] >= 0 && (i >> source[c] & 1) == 1) x |= 1 << c;
            q[x] += p[i];
        }
        return q;
    }

    /// <summary>Multinomial draw of <paramref name="shots"/> outcomes: one uniform per shot, located in the cumulative distribution.</summary>
    private static Dictionary<string, int> Draw(double[] p, int bits, int shots, Random rng)
    {
        var cumulative = new double[p.Length];
        double total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            total += Math.Max(0, p[i]);
            cumulative[i] = total;
        }
        var hits = new int[p.Length];
        for (int s = 0; s < shots; s++)
        {
            double u = rng.NextDouble() * total;
            int i = Array.BinarySearch(cumulative, u);
            i = i < 0 ? ~i : i + 1; // first outcome whose cumulative sum exceeds u
            while (i < p.Length - 1 && p[i] <= 0) i++;
            hits[Math.Min(i, p.Length - 1)]++;
        }
        var counts = new Dictionary<string, int>();
        for (int i = 0; i < hits.Length; i++)
            if (hits[i] > 0) counts[StateVector.Bitstring(i, bits)] = hits[i];
        return counts;
    }

    /// <summary>Maps counts of all qubits (trajectory path) onto the classical register.</summary>
    private static Dictionary<string, int> Registers(Dictionary<string, int> raw, Circuit circuit, List<Operation> measures)
    {
        var counts = new Dictionary<string, int>();
        int m = circuit.ClbitCount;
        foreach (var (key, count) in raw)
        {
            long index = Convert.ToInt64(key, 2);
            long bits = 0;
            foreach (var op in measures)
            {
                long bit = 1L << op.Clbits[0];
                bits = (index >> op.Qubits[0] & 1) == 1 ? bits | bit : bits & ~bit;
            }
            var k = StateVector.Bitstring(bits, m);
            counts[k] = counts.GetValueOrDefault(k) + count;
        }
        return counts;
    }
}
