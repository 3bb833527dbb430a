namespace QD3PM.Core.Metrics;

/// <summary>
/// What <see cref="InpaintingEvaluation"/> measured: mean KL(true conditional ‖ completions) in nats and mean valid
/// fraction, over <paramref name="Masks"/> masks and <paramref name="Patterns"/> (mask, known values) pairs in all.
/// </summary>
public sealed record InpaintingScore(double Kl, double ValidFraction, int Masks, int Patterns);
