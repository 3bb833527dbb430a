using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// The two state buffers of an adjoint sweep (the state ψ and the co-state λ), kept between calls so a training
/// loop allocates nothing. Not thread-safe: use one workspace per thread.
/// </summary>
public sealed class AdjointWorkspace
{
    /// <summary>Single-threaded kernels by default: gradient work is parallel across samples, not within a gate.</summary>
    public AdjointWorkspace(int qubitCount, SimulatorOptions? options = null)
    {
        options ??= SimulatorOptions.Default with { Threads = 1 };
        State = new StateVector(qubitCount, options);
        CoState = new StateVector(qubitCount, options);
        Walsh = new double[State.Length];
        Table = new PhaseTable(qubitCount);
    }

    public int QubitCount => State.QubitCount;

    /// <summary>
    /// The argument checks every gradient method shares (circuit, θ, observable and gradient sizes), then the given
    /// workspace or a new one for the circuit's width.
    /// </summary>
    public static AdjointWorkspace For(ParametricCircuit circuit, ReadOnlySpan<double> theta, ReadOnlySpan<double> diagonalObservable,
        ReadOnlySpan<double> gradient, AdjointWorkspace? workspace)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        circuit.CheckTheta(theta);
        if (gradient.Length != circuit.ParameterCount)
            throw new ArgumentException($"gradient has {gradient.Length} entries, the circuit {circuit.ParameterCount} parameters");
        if (diagonalObservable.Length != 1 << circuit.QubitCount)
            throw new ArgumentException($"observable has {diagonalObservable.Length} entries, the state {1 << circuit.QubitCount}");
        workspace ??= new AdjointWorkspace(circuit.QubitCount);
        if (workspace.QubitCount != circuit.QubitCount)
            throw new ArgumentException($"workspace is for {workspace.QubitCount} qubits, the circuit has {circuit.QubitCount}");
        return workspace;
    }

    internal StateVector State { get; }

    internal StateVector CoState { get; }

    /// <summary>Scratch for the Walsh–Hadamard transform of a diagonal run (see <see cref="DiagonalRun"/>).</summary>
    internal double[] Walsh { get; }

    /// <summary>Scratch for rewinding a diagonal segment in one pass (see <see cref="CircuitPlan"/>).</summary>
    internal PhaseTable Table { get; }
}
