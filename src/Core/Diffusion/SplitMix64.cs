namespace QD3PM.Core.Diffusion;

/// <summary>
/// A tiny deterministic generator (SplitMix64). Training randomness is derived from (seed, step, sample) through
/// <see cref="For"/>, so any worker evaluating an item draws exactly the same numbers.
/// </summary>
public sealed class SplitMix64(ulong state)
{
    private ulong _state = state;

    /// <summary>The generator of one (seed, step, sample, stream) item.</summary>
    public static SplitMix64 For(long seed, long step, int sample, int stream = 0)
    {
        ulong h = Mix((ulong)seed ^ 0x9E3779B97F4A7C15UL);
        h = Mix(h ^ (ulong)step * 0xBF58476D1CE4E5B9UL);
        h = Mix(h ^ (ulong)(uint)sample * 0x94D049BB133111EBUL);
        h = Mix(h ^ (ulong)(uint)stream);
        return new SplitMix64(h);
    }

    public ulong NextULong()
    {
        _state += 0x9E3779B97F4A7C15UL;
        return Mix(_state);
    }

    /// <summary>Uniform in [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => (int)(NextDouble() * n);

    /// <summary>Standard normal by Box–Muller.</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble(), u2 = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
