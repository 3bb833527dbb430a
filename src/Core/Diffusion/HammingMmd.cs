using QD3PM.Core.Simulation;

namespace QD3PM.Core.Diffusion;

/// <summary>
/// Squared MMD between two distributions over N-bit strings with the paper's kernel mix
/// k(x, y) = mean_σ exp(-h(x, y) / (2 σ N)), σ ∈ {0.01, 0.1, 0.25, 0.5, 1, 10}, h the Hamming distance.
/// The kernel depends only on x XOR y, so it is diagonal in the Walsh–Hadamard basis: MMD² = (1/d) Σ_k κ̂_k v̂_k²
/// with v = p - q, and dMMD²/dp = 2 K v, both in O(d log d) instead of O(d²).
/// </summary>
public sealed class HammingMmd
{
    public static readonly double[] Sigmas = [0.01, 0.1, 0.25, 0.5, 1, 10];

    private readonly double[] _spectrum;

    public HammingMmd(int bits)
    {
        Bits = bits;
        int d = 1 << bits;
        var kernelByDistance = new double[bits + 1];
        for (int h = 0; h <= bits; h++)
            kernelByDistance[h] = Sigmas.Average(s => Math.Exp(-h / (2 * s * bits)));
        _spectrum = new double[d];
        for (int x = 0; x < d; x++)
            _spectrum[x] = kernelByDistance[System.Numerics.BitOperations.PopCount((uint)x)];
        Walsh(_spectrum);
    }

    public int Bits { get; }

    /// <summary>k(x, y) for tests and references.</summary>
    public static double Kernel(int x, int y, int bits) =>
        Sigmas.Average(s => Math.Exp(-System.Numerics.BitOperations.PopCount((uint)(x ^ y)) / (2 * s * bits)));

    /// <summary>
    /// Returns MMD²(p, q) and writes dMMD²/dp into <paramref name="gradient"/> (q held fixed).
    /// <paramref name="scratch"/> must have length d; it is overwritten.
    /// </summary>
    public double LossAndGradient(ReadOnlySpan<double> p, ReadOnlySpan<double> q, Span<double> gradient, Span<double> scratch)
    {
        int d = _spectrum.Length;
        for (int i = 0; i < d; i++) scratch[i] = p[i] - q[i];
        Walsh(scratch);
        double loss = 0;
        for (int k = 0; k < d; k++)
        {
            loss += _spectrum[k] * scratch[k] * scratch[k];
            scratch[k] *= _spectrum[k];
        }
        Walsh(scratch);
        double scale = 2.0 / d;
        for (int i = 0; i < d; i++) gradient[i] = scale * scratch[i];
        return loss / d;
    }

    /// <summary>Unnormalised in-place Walsh–Hadamard transform (its own inverse up to a factor d).</summary>
    internal static void Walsh(Span<double> v) => WalshHadamard.Transform(v);
}
