using System.Numerics;
using System.Runtime.Intrinsics.X86;
using QD3PM.Core.Simulation.Kernels;

namespace QD3PM.Core.Simulation;

// Public gate methods: argument checks, then the fastest kernel that fits the gate.
public sealed unsafe partial class StateVector
{
    // Start of the pinned amplitude array, viewed as interleaved (re, im) doubles.
    private readonly double* _data;

    /// <summary>True when the vector kernels run (AVX2 + FMA present, enabled, and at least 2 qubits).</summary>
    public bool UsesSimd => Options.Simd && Avx2.IsSupported && Fma.IsSupported && QubitCount >= 2;

    private long Pairs => (long)Length / 2;

    public void ApplyRx(int q, double theta)
    {
        CheckQubit(q);
        if (UsesSimd) RunPair(q, new RxOp(theta));
        else ApplyMatrixScalar(0, q, GateMatrices.Rx(theta));
    }

    public void ApplyRy(int q, double theta)
    {
        CheckQubit(q);
        double c = Math.Cos(theta / 2), s = Math.Sin(theta / 2);
        if (UsesSimd) RunPair(q, new RealMatrixOp(c, -s, s, c));
        else ApplyMatrixScalar(0, q, GateMatrices.Ry(theta));
    }

    public void ApplyRz(int q, double theta) =>
        ApplyDiagonal(q, Complex.FromPolarCoordinates(1, -theta / 2), Complex.FromPolarCoordinates(1, theta / 2));

    public void ApplyH(int q)
    {
        CheckQubit(q);
        if (UsesSimd) RunPair(q, new HadamardOp());
        else ApplyMatrixScalar(0, q, GateMatrices.H);
    }

    public void ApplyX(int q)
    {
        CheckQubit(q);
        if (UsesSimd) RunPair(q, new SwapOp());
        else ApplyMatrixScalar(0, q, GateMatrices.X);
    }

    public void ApplyCx(int control, int target)
    {
        CheckDistinct(control, target);
        if (!UsesSimd)
            ApplyMatrixScalar(1L << control, target, GateMatrices.X);
        else if (control == 0)
            RunPair(target, new OddLaneSwapOp());
        else
            KernelRunner.Run(new CxKernel(_data, control, target), Pairs / 2, QubitCount, Options);
    }

    /// <summary>exp(-iθ Z_a Z_b): e^{-iθ} where qubits a and b agree, e^{+iθ} where they differ.</summary>
    public void ApplyZz(int a, int b, double theta)
    {
        CheckDistinct(a, b);
        ApplyParityPhase((1L << a) | (1L << b), Complex.FromPolarCoordinates(1, -theta), Complex.FromPolarCoordinates(1, theta));
    }

    /// <summary>Multiplies amplitudes where both qubits are 1 by <paramref name="phase"/> (CZ: -1, CP: e^{iλ}).</summary>
    public void ApplyControlledPhase(int a, int b, Complex phase)
    {
        CheckDistinct(a, b);
        KernelRunner.Run(new ControlledPhaseKernel(_data, a, b, phase), Pairs / 2, QubitCount, Options);
    }

    public void ApplySwap(int a, int b)
    {
        CheckDistinct(a, b);
        KernelRunner.Run(new SwapKernel(_data, a, b, 0), Pairs / 2, QubitCount, Options);
    }

    /// <summary>Controlled swap of qubits a and b.</summary>
    public void ApplyCswap(int control, int a, int b)
    {
        CheckQubits([control, a], b);
        KernelRunner.Run(new SwapKernel(_data, a, b, 1L << control), Pairs / 2, QubitCount, Options);
    }

    /// <summary>Multiplies amplitudes with qubit q = 0 by d0 and those with q = 1 by d1.</summary>
    public void ApplyDiagonal(int q, Complex d0, Complex d1)
    {
        CheckQubit(q);
        ApplyParityPhase(1L << q, d0, d1);
    }

    public void ApplyMatrix(int q, in Matrix2x2 m)
    {
        CheckQubit(q);
        if (m.IsDiagonal) ApplyParityPhase(1L << q, m.M00, m.M11);
        else if (!UsesSimd) ApplyMatrixScalar(0, q, m);
        else if (m.IsReal) RunPair(q, new RealMatrixOp(m.M00.Real, m.M01.Real, m.M10.Real, m.M11.Real));
        else RunPair(q, new ComplexMatrixOp(m));
    }

    public void ApplyControlledMatrix(ReadOnlySpan<int> controls, int q, in Matrix2x2 m)
    {
        CheckQubits(controls, q);
        if (controls.Length == 0)
        {
            ApplyMatrix(q, m);
            return;
        }
        if (controls.Length == 1 && m == GateMatrices.X)
        {
            ApplyCx(controls[0], q);
            return;
        }
        if (controls.Length == 1 && m.IsDiagonal && m.M00 == Complex.One)
        {
            ApplyControlledPhase(controls[0], q, m.M11);
            return;
        }
        long mask = 0;
        foreach (int c in controls) mask |= 1L << c;
        ApplyMatrixScalar(mask, q, m);
    }

    /// <summary>Any dense 2^m x 2^m unitary; local index bit j is qubits[j] (single-threaded, general).</summary>
    public void ApplyUnitary(ReadOnlySpan<int> qubits, Complex[,] u)
    {
        ArgumentNullException.ThrowIfNull(u);
        if (qubits.Length == 0) throw new ArgumentException("a gate needs at least one qubit");
        CheckQubits(qubits[..^1], qubits[^1]);
        ReferenceKernels.ApplyUnitary(_amplitudes, QubitCount, qubits, u);
    }

    /// <summary>
    /// Multiplies amplitude i by <c>table.Values[i]</c> (its conjugate when <paramref name="conjugate"/>: the inverse),
    /// in this state and, when given, in <paramref name="other"/> in the same pass.
    /// </summary>
    internal void ApplyPhaseTable(PhaseTable table, bool conjugate, StateVector? other = null)
    {
        if (table.QubitCount != QubitCount || (other is not null && other.QubitCount != QubitCount))
            throw new ArgumentException("the phase table and the states must have the same number of qubits");
        if (UsesSimd)
        {
            KernelRunner.Run(new PhaseTableKernel(_data, other is null ? null : other._data, table.Address, conjugate),
                Pairs, QubitCount, Options);
            return;
        }
        var t = table.Values;
        var a = _amplitudes;
        for (int i = 0; i < a.Length; i++) a[i] *= conjugate ? Complex.Conjugate(t[i]) : t[i];
        if (other is not null) other.ApplyPhaseTable(table, conjugate);
    }

    private void RunPair<TOp>(int q, TOp op) where TOp : struct, IPairOp =>
        KernelRunner.Run(new PairKernel<TOp>(_data, q, op), Pairs, QubitCount, Options);

    private void ApplyMatrixScalar(long controlMask, int q, in Matrix2x2 m) =>
        KernelRunner.Run(new ControlledMatrixKernel(_data, controlMask, q, m), Pairs, QubitCount, Options);

    private void ApplyParityPhase(long mask, Complex even, Complex odd)
    {
        if (UsesSimd)
            KernelRunner.Run(new ParityPhaseKernel(_data, mask, even, odd), Pairs, QubitCount, Options);
        else
            KernelRunner.Run(new ScalarParityPhaseKernel(_data, mask, even, odd), Length, QubitCount, Options);
    }

    private void CheckQubits(ReadOnlySpan<int> controls, int q)
    {
        CheckQubit(q);
        for (int i = 0; i < controls.Length; i++)
        {
            CheckQubit(controls[i]);
            if (controls[i] == q) throw new ArgumentException($"qubit {q} is both control and target");
            for (int j = 0; j < i; j++)
                if (controls[j] == controls[i]) throw new ArgumentException($"qubit {controls[i]} used twice");
        }
    }
}
