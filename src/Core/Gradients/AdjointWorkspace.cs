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
    }

    public int QubitCount => State.QubitCount;

    /// <summary>After a call: the state U|0…0> at the END of the forward pass is NOT kept (the sweep rewinds it).</summary>
    internal StateVector State { get; }

    internal StateVector CoState { get; }
}
