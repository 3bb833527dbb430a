using System.Numerics;
using QD3PM.Core.Circuits;

namespace QD3PM.Core.Simulation;

/// <summary>
/// The state of n qubits as 2^n complex amplitudes; bit i of an amplitude index is qubit i (qubit 0 least
/// significant, Qiskit's order). Starts in |0…0>. Gates are applied in place, without allocation.
/// </summary>
public sealed unsafe partial class StateVector
{
    /// <summary>Largest register the simulator accepts (16 GiB of amplitudes).</summary>
    public const int MaxQubits = 30;

    /// <summary>Registers up to this size (64 MiB) are allocated without asking the OS how much memory is free.</summary>
    internal const int SmallStateQubits = 22;

    private readonly Complex[] _amplitudes;
    private Random? _resetRandom;

    public StateVector(int qubitCount, SimulatorOptions? options = null)
    {
        EnsureCapacity(qubitCount);
        QubitCount = qubitCount;
        Options = options ?? SimulatorOptions.Default;
        // Pinned, so kernels may take a raw pointer to it without fixing it per gate.
        _amplitudes = GC.AllocateArray<Complex>(1 << qubitCount, pinned: true);
        _amplitudes[0] = Complex.One;
        _data = (double*)System.Runtime.CompilerServices.Unsafe.AsPointer(
            ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_amplitudes));
    }

    public int QubitCount { get; }
    public SimulatorOptions Options { get; }

    /// <summary>Number of amplitudes, 2^n.</summary>
    public int Length => _amplitudes.Length;

    /// <summary>The amplitudes; writable, so callers may load any state (keep it normalised).</summary>
    public Span<Complex> Amplitudes => _amplitudes;

    /// <summary>Bytes of amplitude storage a register of <paramref name="qubits"/> qubits needs.</summary>
    public static long RequiredBytes(int qubits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(qubits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(qubits, 62);
        return (long)System.Runtime.CompilerServices.Unsafe.SizeOf<Complex>() << qubits;
    }

    /// <summary>Memory this process may still allocate: the smaller of the OS's available memory and the GC limit.</summary>
    public static long AvailableBytes()
    {
        long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false);
        try
        {
            foreach (string line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemAvailable:", StringComparison.Ordinal)) continue;
                string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], out long kib))
                    available = Math.Min(available, kib * 1024);
                break;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return Math.Max(0, available);
    }

    /// <summary>Throws <see cref="SimulatorCapacityException"/> when a register of this size cannot be simulated here.</summary>
    public static void EnsureCapacity(int qubits)
    {
        if (qubits < 0) throw new ArgumentOutOfRangeException(nameof(qubits), "qubit count must be non-negative");
        // Small states (the common case, created often by gradients and noise) skip the /proc/meminfo read.
        if (qubits <= SmallStateQubits) return;
        CheckCapacity(qubits, AvailableBytes());
    }

    /// <summary>The capacity rule against a given amount of free memory.</summary>
    internal static void CheckCapacity(int qubits, long available)
    {
        if (qubits > MaxQubits)
        {
            throw new SimulatorCapacityException(
                $"{qubits} qubits is beyond the simulator's limit of {MaxQubits} qubits " +
                $"(a state vector would need {FormatBytes(RequiredBytes(Math.Min(qubits, 62)))})",
                qubits, RequiredBytes(Math.Min(qubits, 62)), available);
        }
        long required = RequiredBytes(qubits);
        if (required > available)
        {
            throw new SimulatorCapacityException(
                $"{qubits} qubits need {FormatBytes(required)} for the state vector but only {FormatBytes(available)} " +
                "of memory is available", qubits, required, available);
        }
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):0.#} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):0.#} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:0.#} KiB",
        _ => $"{bytes} B",
    };

    /// <summary>Back to |0…0>.</summary>
    public void Reset()
    {
        Array.Clear(_amplitudes);
        _amplitudes[0] = Complex.One;
    }

    /// <summary>Sets the register to the computational basis state |index>.</summary>
    public void SetBasisState(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Length);
        Array.Clear(_amplitudes);
        _amplitudes[index] = Complex.One;
    }

    public void CopyFrom(StateVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.QubitCount != QubitCount)
            throw new ArgumentException($"cannot copy a {other.QubitCount}-qubit state into a {QubitCount}-qubit state");
        other._amplitudes.AsSpan().CopyTo(_amplitudes);
    }

    public StateVector Clone()
    {
        var copy = new StateVector(QubitCount, Options);
        copy.CopyFrom(this);
        return copy;
    }

    /// <summary>Runs every operation of the circuit (barrier and measure are no-ops: final-measurement semantics).</summary>
    public void Apply(Circuit circuit)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        if (circuit.QubitCount > QubitCount)
            throw new ArgumentException($"a {circuit.QubitCount}-qubit circuit does not fit a {QubitCount}-qubit state");
        foreach (var op in circuit.Operations) Apply(op);
    }

    /// <summary>
    /// Applies one operation. Measure and barrier do nothing; reset measures the qubit with a generator seeded by
    /// <see cref="SimulatorOptions.ResetSeed"/> and flips it to |0> (see <see cref="ApplyReset"/>).
    /// </summary>
    public void Apply(Operation op)
    {
        ArgumentNullException.ThrowIfNull(op);
        op.Validate(QubitCount);
        int[] q = op.Qubits;
        double[] p = op.Parameters;
        switch (op.Kind)
        {
            case GateKind.Id: case GateKind.Barrier: case GateKind.Measure: return;
            case GateKind.Reset: ApplyReset(q[0], _resetRandom ??= new Random(Options.ResetSeed)); return;
            case GateKind.X: ApplyX(q[0]); return;
            case GateKind.H: ApplyH(q[0]); return;
            case GateKind.RX: ApplyRx(q[0], p[0]); return;
            case GateKind.RY: ApplyRy(q[0], p[0]); return;
            case GateKind.RZ: ApplyRz(q[0], p[0]); return;
            case GateKind.Z: ApplyDiagonal(q[0], 1, -1); return;
            case GateKind.S: case GateKind.Sdg: case GateKind.T: case GateKind.Tdg: case GateKind.P:
            {
                var m = GateMatrices.Target(op.Kind, p);
                ApplyDiagonal(q[0], m.M00, m.M11);
                return;
            }
            case GateKind.CX: ApplyCx(q[0], q[1]); return;
            case GateKind.CZ: ApplyControlledPhase(q[0], q[1], -1); return;
            case GateKind.CP: ApplyControlledPhase(q[0], q[1], Complex.FromPolarCoordinates(1, p[0])); return;
            case GateKind.ZZ: ApplyZz(q[0], q[1], p[0]); return;
            case GateKind.RZZ: ApplyZz(q[0], q[1], p[0] / 2); return;
            case GateKind.Swap: ApplySwap(q[0], q[1]); return;
            case GateKind.CSwap: ApplyCswap(q[0], q[1], q[2]); return;
            case GateKind.RXX: ApplyPauliPairRotation('X', 'X', q[0], q[1], p[0]); return;
            case GateKind.RYY: ApplyPauliPairRotation('Y', 'Y', q[0], q[1], p[0]); return;
            case GateKind.RZX: ApplyPauliPairRotation('Z', 'X', q[0], q[1], p[0]); return;
        }

        if (GateMatrices.HasSingleTarget(op.Kind))
        {
            var m = GateMatrices.Target(op.Kind, p);
            int controls = q.Length - 1;
            if (controls == 0) ApplyMatrix(q[0], m);
            else ApplyControlledMatrix(q.AsSpan(0, controls), q[controls], m);
            return;
        }

        ApplyUnitary(q, GateMatrices.Unitary(op.Kind, p));
    }

    /// <summary>
    /// exp(-iθ/2 P_a ⊗ Q_b) for Paulis P, Q: rotate each qubit's Pauli to Z (V†), apply the ZZ phase kernel, rotate
    /// back (V), since V exp(-iθ/2 Z⊗Z) V† = exp(-iθ/2 VZV† ⊗ VZV†). X: V = H; Y: V = S·H. No allocation.
    /// </summary>
    private void ApplyPauliPairRotation(char pa, char pb, int a, int b, double theta)
    {
        ToZBasis(pa, a);
        ToZBasis(pb, b);
        ApplyZz(a, b, theta / 2);
        FromZBasis(pa, a);
        FromZBasis(pb, b);
    }

    private void ToZBasis(char pauli, int q)
    {
        if (pauli == 'Y') ApplyDiagonal(q, 1, -Complex.ImaginaryOne);
        if (pauli != 'Z') ApplyH(q);
    }

    private void FromZBasis(char pauli, int q)
    {
        if (pauli != 'Z') ApplyH(q);
        if (pauli == 'Y') ApplyDiagonal(q, 1, Complex.ImaginaryOne);
    }

    /// <summary>
    /// Mid-circuit reset: measures qubit <paramref name="q"/> (outcome drawn from <paramref name="rng"/>), projects,
    /// renormalises and flips it to |0>.
    /// </summary>
    public void ApplyReset(int q, Random rng)
    {
        CheckQubit(q);
        ArgumentNullException.ThrowIfNull(rng);
        long bit = 1L << q;
        double p1 = 0;
        for (long i = 0; i < Length; i++)
            if ((i & bit) != 0) p1 += _amplitudes[i].Real * _amplitudes[i].Real + _amplitudes[i].Imaginary * _amplitudes[i].Imaginary;
        bool one = rng.NextDouble() < p1;
        double scale = 1 / Math.Sqrt(one ? p1 : 1 - p1);
        for (long i = 0; i < Length; i++)
        {
            if ((i & bit) != 0) continue;
            _amplitudes[i] = (one ? _amplitudes[i | bit] : _amplitudes[i]) * scale;
            _amplitudes[i | bit] = Complex.Zero;
        }
    }

    private void CheckQubit(int q)
    {
        if ((uint)q >= (uint)QubitCount)
            throw new ArgumentOutOfRangeException(nameof(q), $"qubit {q} out of range 0..{QubitCount - 1}");
    }

    private void CheckDistinct(int a, int b)
    {
        CheckQubit(a);
        CheckQubit(b);
        if (a == b) throw new ArgumentException($"qubit {a} used twice");
    }
}
