using System.Numerics;

namespace QD3PM.Core.Simulation;

// Read-outs: probabilities, marginals, expectations, overlaps and seeded sampling.
public sealed partial class StateVector
{
    public double[] Probabilities()
    {
        var p = new double[Length];
        Probabilities(p);
        return p;
    }

    public void Probabilities(Span<double> destination)
    {
        if (destination.Length != Length)
            throw new ArgumentException($"destination has {destination.Length} entries, the state {Length}");
        var a = _amplitudes;
        for (int i = 0; i < a.Length; i++)
            destination[i] = a[i].Real * a[i].Real + a[i].Imaginary * a[i].Imaginary;
    }

    /// <summary>Distribution of the given qubits with the rest traced out; bit j of the result index is qubits[j].</summary>
    public double[] Marginal(ReadOnlySpan<int> qubits)
    {
        for (int j = 0; j < qubits.Length; j++)
        {
            CheckQubit(qubits[j]);
            for (int k = 0; k < j; k++)
                if (qubits[k] == qubits[j]) throw new ArgumentException($"qubit {qubits[j]} listed twice");
        }
        var result = new double[1 << qubits.Length];
        var a = _amplitudes;
        for (int i = 0; i < a.Length; i++)
        {
            int index = 0;
            for (int j = 0; j < qubits.Length; j++)
                index |= ((i >> qubits[j]) & 1) << j;
            result[index] += a[i].Real * a[i].Real + a[i].Imaginary * a[i].Imaginary;
        }
        return result;
    }

    /// <summary>Σ diag[i] |a_i|², the expectation of a diagonal observable.</summary>
    public double ExpectationDiagonal(ReadOnlySpan<double> diag)
    {
        if (diag.Length != Length)
            throw new ArgumentException($"diagonal has {diag.Length} entries, the state {Length}");
        var a = _amplitudes;
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
            sum += diag[i] * (a[i].Real * a[i].Real + a[i].Imaginary * a[i].Imaginary);
        return sum;
    }

    /// <summary>⟨this|other⟩ = Σ conj(this_i) other_i.</summary>
    public Complex InnerProduct(StateVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.QubitCount != QubitCount)
            throw new ArgumentException($"cannot take the overlap of {QubitCount}- and {other.QubitCount}-qubit states");
        var a = _amplitudes;
        var b = other._amplitudes;
        double re = 0, im = 0;
        for (int i = 0; i < a.Length; i++)
        {
            re += a[i].Real * b[i].Real + a[i].Imaginary * b[i].Imaginary;
            im += a[i].Real * b[i].Imaginary - a[i].Imaginary * b[i].Real;
        }
        return new Complex(re, im);
    }

    /// <summary>Squared norm Σ|a_i|² (1 for a valid state).</summary>
    public double NormSquared()
    {
        double sum = 0;
        foreach (var x in _amplitudes) sum += x.Real * x.Real + x.Imaginary * x.Imaginary;
        return sum;
    }

    /// <summary>Multiplies every amplitude by <paramref name="factor"/> (renormalisation after a non-unitary step).</summary>
    public void Scale(double factor)
    {
        var a = _amplitudes;
        for (int i = 0; i < a.Length; i++) a[i] *= factor;
    }

    /// <summary>
    /// Draws <paramref name="shots"/> measurements of all qubits. Keys are bitstrings with qubit n-1 leftmost.
    /// Deterministic for a given generator state: the draws are sorted and matched against the cumulative
    /// distribution in one pass, so no 2^n-sized table is allocated.
    /// </summary>
    public Dictionary<string, int> SampleCounts(int shots, Random rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        ArgumentOutOfRangeException.ThrowIfNegative(shots);
        var draws = new double[shots];
        for (int s = 0; s < shots; s++) draws[s] = rng.NextDouble();
        Array.Sort(draws);
        // Scale draws by the actual norm so rounding never leaves a draw beyond the last outcome.
        double norm = NormSquared();
        var counts = new Dictionary<string, int>();
        var a = _amplitudes;
        double cumulative = 0;
        int next = 0;
        int last = a.Length - 1;
        for (int i = 0; i < a.Length && next < shots; i++)
        {
            double p = a[i].Real * a[i].Real + a[i].Imaginary * a[i].Imaginary;
            if (p == 0) continue;
            last = i;
            cumulative += p;
            int hits = 0;
            while (next < shots && draws[next] * norm < cumulative) { next++; hits++; }
            if (hits > 0) counts[Bitstring(i, QubitCount)] = hits;
        }
        if (next < shots)
        {
            string key = Bitstring(last, QubitCount);
            counts[key] = counts.GetValueOrDefault(key) + (shots - next);
        }
        return counts;
    }

    /// <summary>The bitstring of a basis index, qubit n-1 leftmost.</summary>
    public static string Bitstring(long index, int qubits) =>
        string.Create(qubits, index, static (chars, value) =>
        {
            for (int j = 0; j < chars.Length; j++)
                chars[j] = ((value >> (chars.Length - 1 - j)) & 1) != 0 ? '1' : '0';
        });
}
