namespace QD3PM.Core.Diffusion;

/// <summary>
/// The depolarizing forward process and its quantum-Bayes posterior on the diagonal:
/// q(x_{t-1} = y | x_t, x0) ∝ (alpha_t [y == x_t] + (1 - alpha_t)/d) · p_y, p_y = abar_{t-1} [y == x0] + (1 - abar_{t-1})/d.
/// </summary>
public static class Posterior
{
    /// <summary>Writes q(· | x_t, x0) for step t >= 1 into <paramref name="destination"/> (length d).</summary>
    public static void Compute(CosineSchedule schedule, int t, int xt, int x0, Span<double> destination)
    {
        int d = destination.Length;
        double alpha = schedule.Alpha(t), abarPrev = schedule.AlphaBar(t - 1);
        double uniformPrev = (1 - abarPrev) / d, keep = (1 - alpha) / d;
        double sum = 0;
        for (int y = 0; y < d; y++)
        {
            double py = uniformPrev + (y == x0 ? abarPrev : 0);
            double likelihood = keep + (y == xt ? alpha : 0);
            destination[y] = likelihood * py;
            sum += destination[y];
        }
        for (int y = 0; y < d; y++) destination[y] /= sum;
    }

    /// <summary>Samples x_t from rho_t's diagonal given x0: keep x0 with probability abar_t, else uniform.</summary>
    public static int SampleForward(CosineSchedule schedule, int t, int x0, int dimension, SplitMix64 rng)
    {
        double u = rng.NextDouble();
        return u < schedule.AlphaBar(t) ? x0 : rng.NextInt(dimension);
    }
}
