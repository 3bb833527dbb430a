namespace QD3PM.Core.Simulation;

/// <summary>
/// Noise of the emulated QPU. After every gate, each qubit the gate touched suffers <see cref="Depolarizing"/>
/// (probability of being replaced by I/2, Qiskit's convention) and then <see cref="AmplitudeDamping"/> (decay
/// probability γ of |1⟩ → |0⟩). Every measured bit is then flipped with probability <see cref="ReadoutError"/>.
/// </summary>
public sealed record NoiseModel(double Depolarizing, double AmplitudeDamping, double ReadoutError)
{
    public static NoiseModel None { get; } = new(0, 0, 0);

    public bool HasGateNoise => Depolarizing > 0 || AmplitudeDamping > 0;

    /// <summary>Throws when a probability lies outside [0, 1].</summary>
    public void Validate()
    {
        Check(Depolarizing, nameof(Depolarizing));
        Check(AmplitudeDamping, nameof(AmplitudeDamping));
        Check(ReadoutError, nameof(ReadoutError));
    }

    private static void Check(double p, string name)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, $"{name} must be in [0, 1], got {p}");
    }
}
