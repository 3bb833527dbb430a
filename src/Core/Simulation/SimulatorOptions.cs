namespace QD3PM.Core.Simulation;

/// <summary>How a <see cref="StateVector"/> runs its kernels.</summary>
public sealed record SimulatorOptions
{
    /// <summary>Default options: all cores, threads from <see cref="DefaultParallelThresholdQubits"/> qubits up.</summary>
    public static SimulatorOptions Default { get; } = new();

    /// <summary>Below this many qubits a gate runs on one thread: the state fits in cache and thread hand-off costs
    /// more than it saves (measured with `qd3pm bench gates`, see docs/performance.md).</summary>
    public const int DefaultParallelThresholdQubits = 16;

    /// <summary>Upper bound of worker threads per gate (1 = always single-threaded).</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Registers with at least this many qubits split each gate over <see cref="Threads"/> threads.</summary>
    public int ParallelThresholdQubits { get; init; } = DefaultParallelThresholdQubits;

    /// <summary>Use the AVX2/FMA kernels when the CPU has them (false forces the scalar kernels, for tests).</summary>
    public bool Simd { get; init; } = true;

    /// <summary>Seed of the generator used by <see cref="StateVector.Apply(Circuits.Operation)"/> for mid-circuit
    /// reset (measure-and-flip); everything else in the simulator is deterministic.</summary>
    public int ResetSeed { get; init; }
}
