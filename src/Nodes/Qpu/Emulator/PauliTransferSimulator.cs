using System.Collections.Concurrent;
using System.Numerics;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>
/// Exact noisy outcome distributions in the Pauli basis, for the emulator's hot path. The state is the vector of Pauli
/// expectations c_P = Tr(ρ P) over the 4^n Pauli strings (real numbers; |0…0⟩ has c_P = 1 for every string of I and
/// Z). A gate with its noise is one real Pauli transfer matrix (PTM) R_ik = 2^-m Tr(P_i N(U P_k U†)): depolarizing
/// scales the X, Y, Z components of each touched qubit by 1-p, amplitude damping moves Z towards I. Consecutive
/// one-qubit gates on a qubit are multiplied into one 4x4 PTM before they touch the state, and two-qubit PTMs are
/// applied sparsely (a CX has 16 non-zero entries of 256). Readout error scales every Z of a measured bit by 1-2e, and
/// the classical distribution is a Walsh–Hadamard transform of the measured Z-string expectations.
/// Same model as <see cref="NoisySimulator"/> (noise after every gate, on each qubit it touches, depolarizing then
/// damping; measurements read at the end), checked against its density matrix in the tests; several times faster
/// for the emulator's five-qubit circuits. Gates on more than two qubits and resets are not handled here
/// (<see cref="Supports"/> is false and the caller uses the density matrix).
/// </summary>
public static class PauliTransferSimulator
{
    /// <summary>4^10 expectations (8 MiB), as large as the density-matrix path.</summary>
    public const int MaxQubits = DensityMatrix.MaxQubits;

    private static readonly ConcurrentDictionary<(GateKind, double, double, double), Ptm> ConstantGates = new();

    public static bool Supports(Circuit circuit)
    {
        if (circuit.QubitCount > MaxQubits) return false;
        foreach (var op in circuit.Operations)
        {
            if (op.Kind is GateKind.Measure or GateKind.Barrier) continue;
            if (!GateInfo.IsUnitary(op.Kind) || op.Qubits.Length > 2) return false;
        }
        return true;
    }

    /// <summary>
    /// Distribution of the classical register (index bit c = clbit c), readout error included. <paramref name="sources"/>
    /// names the qubit each clbit reads (-1: never written, stays 0).
    /// </summary>
    public static double[] ClassicalDistribution(Circuit circuit, NoiseModel noise, IReadOnlyList<int> sources)
    {
        if (!Supports(circuit))
            throw new ArgumentException("the circuit has gates on more than two qubits or resets; use the density matrix");
        int n = circuit.QubitCount;
        var c = new double[1 << 2 * n];
        InitialiseZeroState(c, n);
        var pending = new Ptm?[n];
        var noise1 = noise.HasGateNoise ? Noise(noise, 0, 1) : null;
        var noise2 = noise.HasGateNoise ? Noise(noise, 0, 2).Times(Noise(noise, 1, 2)) : null;
        foreach (var op in circuit.Operations)
        {
            if (op.Kind is GateKind.Measure or GateKind.Barrier) continue;
            if (op.Qubits.Length == 1)
            {
                int q = op.Qubits[0];
                var r = OneQubit(op, noise1);
                pending[q] = pending[q] is { } before ? r.Times(before) : r;
                continue;
            }
            foreach (int q in op.Qubits)
            {
                if (pending[q] is { } p) ApplyOne(c, n, q, p);
                pending[q] = null;
            }
            ApplyTwo(c, n, op.Qubits[0], op.Qubits[1], TwoQubit(op, noise, noise2));
        }
        for (int q = 0; q < n; q++)
            if (pending[q] is { } p) ApplyOne(c, n, q, p);
        return Measure(c, sources, noise.ReadoutError);
    }

    private static void InitialiseZeroState(double[] c, int n)
    {
        // every string of I (0) and Z (3) has expectation 1 in |0…0⟩
        for (int s = 0; s < 1 << n; s++)
        {
            int index = 0;
            for (int q = 0; q < n; q++)
                if ((s >> q & 1) == 1) index |= 3 << 2 * q;
            c[index] = 1;
        }
    }

    private static double[] Measure(double[] c, IReadOnlyList<int> sources, double readout)
    {
        int m = sources.Count;
        var v = new double[1 << m];
        double keep = 1 - 2 * readout;
        for (int s = 0; s < v.Length; s++)
        {
            int index = 0;
            double factor = 1;
            for (int bit = 0; bit < m; bit++)
            {
                if ((s >> bit & 1) == 0 || sources[bit] < 0) continue;
                index ^= 3 << 2 * sources[bit]; // Z on that qubit (two reads of one qubit cancel: Z·Z = I)
                factor *= keep;
            }
            v[s] = factor * c[index];
        }
        // p(x) = 2^-m Σ_S (-1)^{|x ∧ S|} <Z_S>: a Walsh–Hadamard transform
        WalshHadamard.Transform(v);
        double scale = 1.0 / v.Length;
        for (int i = 0; i < v.Length; i++) v[i] = Math.Max(0, v[i] * scale);
        return v;
    }

    private static void ApplyOne(double[] c, int n, int q, Ptm r)
    {
        var e = r.Dense;
        int stride = 1 << 2 * q;
        int block = stride << 2;
        for (int hi = 0; hi < c.Length; hi += block)
        {
            for (int i = hi; i < hi + stride; i++)
            {
                double v0 = c[i], v1 = c[i + stride], v2 = c[i + 2 * stride], v3 = c[i + 3 * stride];
                c[i] = e[0] * v0 + e[1] * v1 + e[2] * v2 + e[3] * v3;
                c[i + stride] = e[4] * v0 + e[5] * v1 + e[6] * v2 + e[7] * v3;
                c[i + 2 * stride] = e[8] * v0 + e[9] * v1 + e[10] * v2 + e[11] * v3;
                c[i + 3 * stride] = e[12] * v0 + e[13] * v1 + e[14] * v2 + e[15] * v3;
            }
        }
        _ = n;
    }

    private static void ApplyTwo(double[] c, int n, int qa, int qb, Ptm r)
    {
        // local index k = a_first + 4 a_second ↔ offset a_first·4^qa + a_second·4^qb
        Span<int> offsets = stackalloc int[16];
        for (int k = 0; k < 16; k++)
            offsets[k] = (k & 3) << 2 * qa | (k >> 2) << 2 * qb;
        Span<double> input = stackalloc double[16];
        Span<double> output = stackalloc double[16];
        int lo = Math.Min(qa, qb), hi = Math.Max(qa, qb);
        var rows = r.Rows;
        var columns = r.Columns;
        var values = r.Values;
        var monomial = r.Monomial;
        int groups = 1 << 2 * (n - 2);
        for (int g = 0; g < groups; g++)
        {
            // insert two zero Pauli digits at positions lo and hi
            int baseIndex = g & (1 << 2 * lo) - 1;
            int rest = g >> 2 * lo;
            baseIndex |= (rest & (1 << 2 * (hi - lo - 1)) - 1) << 2 * (lo + 1);
            baseIndex |= rest >> 2 * (hi - lo - 1) << 2 * (hi + 1);
            for (int k = 0; k < 16; k++) input[k] = c[baseIndex | offsets[k]];
            if (monomial is not null)
            {
                // a Clifford with Pauli noise maps each string to one string: a signed, scaled permutation
                for (int k = 0; k < 16; k++) c[baseIndex | offsets[k]] = values[k] * input[monomial[k]];
                continue;
            }
            output.Clear();
            for (int e = 0; e < values.Length; e++) output[rows[e]] += values[e] * input[columns[e]];
            for (int k = 0; k < 16; k++) c[baseIndex | offsets[k]] = output[k];
        }
    }

    private static Ptm OneQubit(Operation op, Ptm? noise)
    {
        var r = op.Parameters.Length == 0
            ? ConstantGates.GetOrAdd((op.Kind, 0, 0, 0), _ => Ptm.Of(GateMatrices.Unitary(op.Kind, op.Parameters), 1))
            : Ptm.Of(GateMatrices.Unitary(op.Kind, op.Parameters), 1);
        return noise is null ? r : noise.Times(r);
    }

    private static Ptm TwoQubit(Operation op, NoiseModel noise, Ptm? noise2)
    {
        var key = (op.Kind, op.Parameters.Length > 0 ? op.Parameters[0] : 0, noise.Depolarizing, noise.AmplitudeDamping);
        if (op.Parameters.Length == 0 && ConstantGates.TryGetValue(key, out var cached)) return cached;
        var r = Ptm.Of(GateMatrices.Unitary(op.Kind, op.Parameters), 2);
        if (noise2 is not null) r = noise2.Times(r);
        r = r.Sparse();
        if (op.Parameters.Length == 0) ConstantGates.TryAdd(key, r);
        return r;
    }

    /// <summary>The noise channel of one touched qubit (local position <paramref name="local"/> of <paramref name="qubits"/>): depolarizing, then damping.</summary>
    private static Ptm Noise(NoiseModel noise, int local, int qubits)
    {
        double p = noise.Depolarizing, g = noise.AmplitudeDamping, s = Math.Sqrt(1 - g);
        // one-qubit PTM (rows out I, X, Y, Z): damping ∘ depolarizing
        double[] one =
        [
            1, 0, 0, 0,
            0, s * (1 - p), 0, 0,
            0, 0, s * (1 - p), 0,
            g, 0, 0, (1 - g) * (1 - p),
        ];
        if (qubits == 1) return new Ptm(1, one);
        var dense = new double[256];
        for (int i = 0; i < 16; i++)
            for (int k = 0; k < 16; k++)
            {
                int ai = local == 0 ? i & 3 : i >> 2, ak = local == 0 ? k & 3 : k >> 2;
                int bi = local == 0 ? i >> 2 : i & 3, bk = local == 0 ? k >> 2 : k & 3;
                dense[i * 16 + k] = bi == bk ? one[ai * 4 + ak] : 0;
            }
        return new Ptm(2, dense);
    }

    /// <summary>A real Pauli transfer matrix on one or two qubits: dense, and its non-zero entries for sparse application.</summary>
    private sealed class Ptm(int qubits, double[] dense)
    {
        // A Pauli string is a signed permutation: P[r, Column(r)] = Phase(r), every other entry 0.
        private static readonly (int[] Column, Complex[] Phase)[][] Strings = [BuildStrings(1), BuildStrings(2)];

        public int Qubits { get; } = qubits;
        public double[] Dense { get; } = dense;
        public int[] Rows { get; private init; } = [];
        public int[] Columns { get; private init; } = [];
        public double[] Values { get; private init; } = [];

        /// <summary>When every row has exactly one non-zero entry: its column per row (and Values holds the entry per row).</summary>
        public int[]? Monomial { get; private init; }

        private int Dimension => 1 << 2 * Qubits;

        private static (int[] Column, Complex[] Phase)[] BuildStrings(int m)
        {
            int d = 1 << m;
            var strings = new (int[], Complex[])[1 << 2 * m];
            for (int s = 0; s < strings.Length; s++)
            {
                var column = new int[d];
                var phase = new Complex[d];
                for (int r = 0; r < d; r++)
                {
                    int col = 0;
                    Complex v = 1;
                    for (int j = 0; j < m; j++)
                    {
                        int bit = r >> j & 1;
                        // I, X, Y, Z on local qubit j: which column the row's bit maps to, and the entry there
                        switch (s >> 2 * j & 3)
                        {
                            case 0: col |= bit << j; break;
                            case 1: col |= (1 - bit) << j; break;
                            case 2: col |= (1 - bit) << j; v *= bit == 0 ? -Complex.ImaginaryOne : Complex.ImaginaryOne; break;
                            default: col |= bit << j; v *= bit == 0 ? 1 : -1; break;
                        }
                    }
                    column[r] = col;
                    phase[r] = v;
                }
                strings[s] = (column, phase);
            }
            return strings;
        }

        /// <summary>R_ik = 2^-m Tr(P_i U P_k U†) for a unitary on m local qubits (local index bit j = qubit j).</summary>
        public static Ptm Of(Complex[,] u, int m)
        {
            int d = 1 << m, count = 1 << 2 * m;
            var strings = Strings[m - 1];
            var dense = new double[count * count];
            var conjugated = new Complex[d, d];
            for (int k = 0; k < count; k++)
            {
                // (U P_k U†)[r, c] = Σ_a U[r, a] · phase_k(a) · conj(U[c, column_k(a)])
                var (column, phase) = strings[k];
                for (int r = 0; r < d; r++)
                    for (int c = 0; c < d; c++)
                    {
                        Complex sum = 0;
                        for (int a = 0; a < d; a++)
                            sum += u[r, a] * phase[a] * Complex.Conjugate(u[c, column[a]]);
                        conjugated[r, c] = sum;
                    }
                for (int i = 0; i < count; i++)
                {
                    // Tr(P_i M) = Σ_r phase_i(r) · M[column_i(r), r]
                    var (ci, pi) = strings[i];
                    Complex trace = 0;
                    for (int r = 0; r < d; r++) trace += pi[r] * conjugated[ci[r], r];
                    dense[i * count + k] = trace.Real / d;
                }
            }
            return new Ptm(m, dense);
        }

        /// <summary>this · other (other acts first).</summary>
        public Ptm Times(Ptm other)
        {
            int dim = Dimension;
            var product = new double[dim * dim];
            for (int i = 0; i < dim; i++)
                for (int k = 0; k < dim; k++)
                {
                    double a = Dense[i * dim + k];
                    if (a == 0) continue;
                    for (int j = 0; j < dim; j++) product[i * dim + j] += a * other.Dense[k * dim + j];
                }
            return new Ptm(Qubits, product);
        }

        public Ptm Sparse()
        {
            int dim = Dimension;
            var rows = new List<int>();
            var columns = new List<int>();
            var values = new List<double>();
            for (int i = 0; i < dim; i++)
                for (int k = 0; k < dim; k++)
                {
                    double v = Dense[i * dim + k];
                    if (Math.Abs(v) < 1e-15) continue;
                    rows.Add(i);
                    columns.Add(k);
                    values.Add(v);
                }
            bool monomial = rows.Count == dim && rows.SequenceEqual(Enumerable.Range(0, dim));
            return new Ptm(Qubits, Dense) { Rows = [.. rows], Columns = [.. columns], Values = [.. values], Monomial = monomial ? [.. columns] : null };
        }
    }
}
