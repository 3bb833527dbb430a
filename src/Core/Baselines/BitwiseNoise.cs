using QD3PM.Core.Diffusion;

namespace QD3PM.Core.Baselines;

/// <summary>
/// The classical D3PM forward process with per-bit uniform noise: each bit independently keeps its value with
/// probability abar_t and is otherwise a fair coin. Its posterior factorises per bit and is the quantum-Bayes
/// formula of <see cref="Posterior"/> with d = 2.
/// </summary>
public static class BitwiseNoise
{
    public static int SampleForward(CosineSchedule schedule, int t, int x0, int bits, SplitMix64 rng)
    {
        double keep = schedule.AlphaBar(t);
        int x = 0;
        for (int n = 0; n < bits; n++)
        {
            int bit = rng.NextDouble() < keep ? x0 >> n & 1 : rng.NextInt(2);
            x |= bit << n;
        }
        return x;
    }

    /// <summary>q(x_{t-1}[n] = 1 | x_t, x0) for every bit.</summary>
    public static void PosteriorOnes(CosineSchedule schedule, int t, int xt, int x0, int bits, Span<double> ones)
    {
        Span<double> q = stackalloc double[2];
        for (int n = 0; n < bits; n++)
        {
            Posterior.Compute(schedule, t, xt >> n & 1, x0 >> n & 1, q);
            ones[n] = q[1];
        }
    }
}
