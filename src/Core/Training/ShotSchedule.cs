namespace QD3PM.Core.Training;

/// <summary>
/// Shots per circuit of a step: <see cref="TrainingSpec.Shots"/> throughout, or, with <see cref="TrainingSpec.FinalShots"/>
/// set, a geometric ramp from Shots at step 0 to FinalShots at the last step (S_k = S₀·(S₁/S₀)^(k/(steps−1)), rounded).
/// Why: early steps only need the gradient's sign and rough size, which a few shots give; near the target the shot noise
/// of the gradient is what keeps the loss from settling (the learning rate decays too), so the shots go there. The count
/// depends on the spec and the step only, so every worker, retry and restart runs the same circuits with the same shots
/// (the same job keys and the same parameters). Every step's estimate stays unbiased: the estimators take the step's
/// shot count as S (<see cref="ShotGradient.UnbiasedLoss"/>), only the variance changes from step to step.
/// </summary>
public static class ShotSchedule
{
    /// <summary>Shots per circuit for <paramref name="step"/> (0: exact probabilities, or the QPU worker's default).</summary>
    public static int At(TrainingSpec spec, long step)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.FinalShots is not { } final || spec.Shots <= 0 || final == spec.Shots || spec.Steps <= 1) return spec.Shots;
        double fraction = Math.Clamp((double)step / (spec.Steps - 1), 0, 1);
        double shots = spec.Shots * Math.Pow((double)final / spec.Shots, fraction);
        return Math.Max(1, (int)Math.Round(shots, MidpointRounding.AwayFromZero));
    }
}
