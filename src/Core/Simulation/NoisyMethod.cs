namespace QD3PM.Core.Simulation;

/// <summary>How <see cref="NoisySimulator"/> evolves the noisy state.</summary>
public enum NoisyMethod
{
    /// <summary>Exact density matrix up to <see cref="DensityMatrix.MaxQubits"/> qubits, trajectories above.</summary>
    Auto,
    DensityMatrix,
    Trajectories,
}
