namespace QD3PM.Core.Diffusion;

/// <summary>Which qubit pairs get a trainable ZZ entangler in every layer.</summary>
public enum Entangler
{
    /// <summary>Every pair (the default: star and chain fail on 3x3 multi-step).</summary>
    AllToAll,

    /// <summary>Every qubit with the ancilla (which carries the time step).</summary>
    Star,

    /// <summary>Neighbours i, i+1.</summary>
    Chain,
}
