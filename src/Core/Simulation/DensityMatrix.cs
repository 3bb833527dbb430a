using System.Numerics;
using QD3PM.Core.Circuits;

namespace QD3PM.Core.Simulation;

/// <summary>
/// The mixed state ρ of a small register (up to <see cref="MaxQubits"/> qubits), starting at |0…0⟩⟨0…0|.
/// ρ is stored vectorised as a 2n-qubit <see cref="StateVector"/> with index r + 2^n c, so a gate U on qubits Q is
/// U on the row qubits Q and conj(U) on the column qubits Q + n (ρ → UρU†), reusing the fast kernels.
/// Bit i of a row/column index is qubit i.
/// </summary>
public sealed class DensityMatrix
{
    /// <summary>Largest register: 2^(2·10) entries = 16 MiB.</summary>
    public const int MaxQubits = 10;

    private readonly StateVector _vec;
    private readonly int _dim;

    public DensityMatrix(int qubitCount)
    {
        if (qubitCount < 1 || qubitCount > MaxQubits)
            throw new ArgumentOutOfRangeException(nameof(qubitCount),
                $"a density matrix holds 1..{MaxQubits} qubits, not {qubitCount}");
        QubitCount = qubitCount;
        _dim = 1 << qubitCount;
        _vec = new StateVector(2 * qubitCount, new SimulatorOptions { Threads = 1 });
    }

    public int QubitCount { get; }

    /// <summary>ρ[row, column].</summary>
    public Complex this[int row, int column] => _vec.Amplitudes[row + _dim * column];

    public void Apply(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        if (circuit.QubitCount > QubitCount)
            throw new ArgumentException($"a {circuit.QubitCount}-qubit circuit does not fit {QubitCount} qubits");
        foreach (var op in circuit.Operations) Apply(op);
    }

    /// <summary>Applies a gate (ρ → UρU†); reset sends the qubit to |0⟩ (tracing it out); measure and barrier do nothing.</summary>
    public void Apply(Operation op)
    {
        ArgumentNullException.ThrowIfNull(op);
        op.Validate(QubitCount);
        switch (op.Kind)
        {
            case GateKind.Measure: case GateKind.Barrier: case GateKind.Id: return;
            case GateKind.Reset: ApplyAmplitudeDamping(op.Qubits[0], 1); return;
        }
        int n = QubitCount;
        int[] rows = op.Qubits;
        int[] columns = rows.Select(q => q + n).ToArray();
        if (GateMatrices.HasSingleTarget(op.Kind))
        {
            var m = GateMatrices.Target(op.Kind, op.Parameters);
            int controls = rows.Length - 1;
            _vec.ApplyControlledMatrix(rows.AsSpan(0, controls), rows[controls], m);
            _vec.ApplyControlledMatrix(columns.AsSpan(0, controls), columns[controls], m.Conjugate());
            return;
        }
        var u = GateMatrices.Unitary(op.Kind, op.Parameters);
        _vec.ApplyUnitary(rows, u);
        var conj = new Complex[u.GetLength(0), u.GetLength(1)];
        for (int r = 0; r < u.GetLength(0); r++)
            for (int c = 0; c < u.GetLength(1); c++)
                conj[r, c] = Complex.Conjugate(u[r, c]);
        _vec.ApplyUnitary(columns, conj);
    }

    /// <summary>
    /// Depolarizing channel on one qubit in Qiskit's convention: with probability p the qubit is replaced by I/2,
    /// ρ → (1-p)ρ + p·(I/2 ⊗ Tr_q ρ) = (1-3p/4)ρ + (p/4)(XρX + YρY + ZρZ).
    /// </summary>
    public void ApplyDepolarizing(int q, double p)
    {
        CheckProbability(p, nameof(p));
        ApplyQubitChannel(q, (ref Complex r00, ref Complex r01, ref Complex r10, ref Complex r11) =>
        {
            Complex d0 = r00, d1 = r11;
            r00 = (1 - p / 2) * d0 + p / 2 * d1;
            r11 = (1 - p / 2) * d1 + p / 2 * d0;
            r01 *= 1 - p;
            r10 *= 1 - p;
        });
    }

    /// <summary>Amplitude damping with decay probability γ: Kraus [[1,0],[0,√(1-γ)]] and [[0,√γ],[0,0]].</summary>
    public void ApplyAmplitudeDamping(int q, double gamma)
    {
        CheckProbability(gamma, nameof(gamma));
        double keep = Math.Sqrt(1 - gamma);
        ApplyQubitChannel(q, (ref Complex r00, ref Complex r01, ref Complex r10, ref Complex r11) =>
        {
            r00 += gamma * r11;
            r11 *= 1 - gamma;
            r01 *= keep;
            r10 *= keep;
        });
    }

    /// <summary>Outcome probabilities: the real diagonal.</summary>
    public double[] Probabilities()
    {
        var p = new double[_dim];
        for (int i = 0; i < _dim; i++) p[i] = Math.Max(0, this[i, i].Real);
        return p;
    }

    public Complex Trace()
    {
        Complex t = 0;
        for (int i = 0; i < _dim; i++) t += this[i, i];
        return t;
    }

    /// <summary>Tr ρ² (1 for a pure state, 2^-n for the maximally mixed state).</summary>
    public double Purity()
    {
        // Tr ρ² = Σ |ρ_rc|² for Hermitian ρ.
        double sum = 0;
        foreach (var z in _vec.Amplitudes) sum += z.Real * z.Real + z.Imaginary * z.Imaginary;
        return sum;
    }

    private delegate void BlockUpdate(ref Complex r00, ref Complex r01, ref Complex r10, ref Complex r11);

    /// <summary>Runs a single-qubit channel on every 2x2 block (row bit, column bit of qubit q).</summary>
    private void ApplyQubitChannel(int q, BlockUpdate update)
    {
        if ((uint)q >= (uint)QubitCount)
            throw new ArgumentOutOfRangeException(nameof(q), $"qubit {q} out of range 0..{QubitCount - 1}");
        int bit = 1 << q;
        var rho = _vec.Amplitudes;
        for (int c = 0; c < _dim; c++)
        {
            if ((c & bit) != 0) continue;
            for (int r = 0; r < _dim; r++)
            {
                if ((r & bit) != 0) continue;
                update(ref rho[r + _dim * c], ref rho[r + _dim * (c | bit)],
                    ref rho[(r | bit) + _dim * c], ref rho[(r | bit) + _dim * (c | bit)]);
            }
        }
    }

    private static void CheckProbability(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1], got {p}");
    }
}
