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

    internal StateVector State { get; }

    internal StateVector CoState { get; }

    /// <summary>Scratch for the Walsh–Hadamard transform of a diagonal run (see <see cref="DiagonalRun"/>).</summary>
    internal double[] Walsh { get; }

    /// <summary>Scratch for rewinding a diagonal segment in one pass (see <see cref="CircuitPlan"/>).</summary>
    internal PhaseTable Table { get; }
}
