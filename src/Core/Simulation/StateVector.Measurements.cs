using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using QD3PM.Core.Simulation.Kernels;

namespace QD3PM.Core.Simulation;

// Read-outs: probabilities, marginals, expectations, overlaps and seeded sampling.
public sealed unsafe partial class StateVector
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
        fixed (double* dest = destination)
        {
            long i = 0;
            if (UsesSimd)
            {
                // Four amplitudes per step: square, add re² + im² pairwise, restore order across the 128-bit lanes.
                for (; i + 4 <= Length; i += 4)
                {
                    var a = Vector256.Load(_data + 2 * i);
                    var b = Vector256.Load(_data + 2 * i + 4);
                    var sums = Avx.HorizontalAdd(Avx.Multiply(a, a), Avx.Multiply(b, b));
                    Avx2.Permute4x64(sums, 0b11_01_10_00).Store(dest + i);
                }
            }
            for (; i < Length; i++)
                dest[i] = _data[2 * i] * _data[2 * i] + _data[2 * i + 1] * _data[2 * i + 1];
        }
    }

    /// <summary>Distribution of the given qubits with the rest traced out; bit j of the result index is qubits[j].</summary>
    public double[] Marginal(ReadOnlySpan<int> qubits)
    {
        long mask = 0;
        bool ascending = true;
        for (int j = 0; j < qubits.Length; j++)
        {
            CheckQubit(qubits[j]);
            for (int k = 0; k < j; k++)
                if (qubits[k] == qubits[j]) throw new ArgumentException($"qubit {qubits[j]} listed twice");
            if (j > 0 && qubits[j] < qubits[j - 1]) ascending = false;
            mask |= 1L << qubits[j];
        }
        // Accumulate by the selected bits in ascending qubit order (a bit extract), then reorder if asked.
        var sorted = new double[1 << qubits.Length];
        if (mask == (1L << qubits.Length) - 1)
        {
            for (long i = 0; i < Length; i++) sorted[i & mask] += ProbabilityAt(i);
        }
        else if (Bmi2.X64.IsSupported)
        {
            for (long i = 0; i < Length; i++) sorted[Bmi2.X64.ParallelBitExtract((ulong)i, (ulong)mask)] += ProbabilityAt(i);
        }
        else
        {
            for (long i = 0; i < Length; i++) sorted[ExtractBits(i, mask)] += ProbabilityAt(i);
        }
        if (ascending) return sorted;

        Span<int> order = stackalloc int[qubits.Length];
        qubits.CopyTo(order);
        order.Sort();
        var result = new double[sorted.Length];
        for (int s = 0; s < sorted.Length; s++)
        {
            int index = 0;
            for (int j = 0; j < qubits.Length; j++)
                if (((s >> order.IndexOf(qubits[j])) & 1) != 0) index |= 1 << j;
            result[index] = sorted[s];
        }
        return result;
    }

    private double ProbabilityAt(long i) => _data[2 * i] * _data[2 * i] + _data[2 * i + 1] * _data[2 * i + 1];

    private static long ExtractBits(long value, long mask)
    {
        long result = 0;
        int bit = 0;
        for (long m = mask; m != 0; m &= m - 1, bit++)
            if ((value & (m & -m)) != 0) result |= 1L << bit;
        return result;
    }

    /// <summary>Σ diag[i] |a_i|², the expectation of a diagonal observable.</summary>
    public double ExpectationDiagonal(ReadOnlySpan<double> diag)
    {
        if (diag.Length != Length)
            throw new ArgumentException($"diagonal has {diag.Length} entries, the state {Length}");
        fixed (double* d = diag)
        {
            long i = 0;
            double sum = 0;
            if (UsesSimd)
            {
                // Four amplitudes per step (see Probabilities); the vector sum has a fixed order, so the result
                // is deterministic.
                var acc = Vector256<double>.Zero;
                for (; i + 4 <= Length; i += 4)
                {
                    var a = Vector256.Load(_data + 2 * i);
                    var b = Vector256.Load(_data + 2 * i + 4);
                    var p = Avx2.Permute4x64(Avx.HorizontalAdd(Avx.Multiply(a, a), Avx.Multiply(b, b)), 0b11_01_10_00);
                    acc = Fma.MultiplyAdd(p, Vector256.Load(d + i), acc);
                }
                sum = Vector256.Sum(acc);
            }
            for (; i < Length; i++) sum += d[i] * ProbabilityAt(i);
            return sum;
        }
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
        if (UsesSimd)
        {
            KernelRunner.Run(new ScaleKernel(_data, factor), Length / 2, QubitCount, Options);
            return;
        }
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
