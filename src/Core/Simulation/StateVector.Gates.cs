using System.Numerics;

namespace QD3PM.Core.Simulation;

// Public gate methods: argument checks, then the kernel.
public sealed partial class StateVector
{
    public void ApplyRx(int q, double theta) => ApplyMatrix(q, GateMatrices.Rx(theta));
    public void ApplyRy(int q, double theta) => ApplyMatrix(q, GateMatrices.Ry(theta));
    public void ApplyRz(int q, double theta) =>
        ApplyDiagonal(q, Complex.FromPolarCoordinates(1, -theta / 2), Complex.FromPolarCoordinates(1, theta / 2));
    public void ApplyH(int q) => ApplyMatrix(q, GateMatrices.H);
    public void ApplyX(int q) => ApplyMatrix(q, GateMatrices.X);

    public void ApplyCx(int control, int target)
    {
        CheckDistinct(control, target);
        ReferenceKernels.ApplyControlledMatrix(_amplitudes, QubitCount, [control], target, GateMatrices.X);
    }

    /// <summary>exp(-iθ Z_a Z_b): e^{-iθ} where qubits a and b agree, e^{+iθ} where they differ.</summary>
    public void ApplyZz(int a, int b, double theta)
    {
        CheckDistinct(a, b);
        var u = new Complex[4, 4];
        u[0, 0] = u[3, 3] = Complex.FromPolarCoordinates(1, -theta);
        u[1, 1] = u[2, 2] = Complex.FromPolarCoordinates(1, theta);
        ReferenceKernels.ApplyUnitary(_amplitudes, QubitCount, [a, b], u);
    }

    /// <summary>Multiplies amplitudes where both qubits are 1 by <paramref name="phase"/> (CZ: -1, CP: e^{iλ}).</summary>
    public void ApplyControlledPhase(int a, int b, Complex phase)
    {
        CheckDistinct(a, b);
        ReferenceKernels.ApplyControlledMatrix(_amplitudes, QubitCount, [a], b, new Matrix2x2(1, 0, 0, phase));
    }

    public void ApplySwap(int a, int b)
    {
        CheckDistinct(a, b);
        var u = new Complex[4, 4];
        u[0, 0] = u[3, 3] = u[1, 2] = u[2, 1] = 1;
        ReferenceKernels.ApplyUnitary(_amplitudes, QubitCount, [a, b], u);
    }

    /// <summary>Multiplies amplitudes with qubit q = 0 by d0 and those with q = 1 by d1.</summary>
    public void ApplyDiagonal(int q, Complex d0, Complex d1) => ApplyMatrix(q, new Matrix2x2(d0, 0, 0, d1));

    public void ApplyMatrix(int q, in Matrix2x2 m)
    {
        CheckQubit(q);
        ReferenceKernels.ApplyControlledMatrix(_amplitudes, QubitCount, [], q, m);
    }

    public void ApplyControlledMatrix(ReadOnlySpan<int> controls, int q, in Matrix2x2 m)
    {
        CheckQubits(controls, q);
        ReferenceKernels.ApplyControlledMatrix(_amplitudes, QubitCount, controls, q, m);
    }

    /// <summary>Any dense 2^m x 2^m unitary; local index bit j is qubits[j].</summary>
    public void ApplyUnitary(ReadOnlySpan<int> qubits, Complex[,] u)
    {
        ArgumentNullException.ThrowIfNull(u);
        if (qubits.Length == 0) throw new ArgumentException("a gate needs at least one qubit");
        CheckQubits(qubits[..^1], qubits[^1]);
        ReferenceKernels.ApplyUnitary(_amplitudes, QubitCount, qubits, u);
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
