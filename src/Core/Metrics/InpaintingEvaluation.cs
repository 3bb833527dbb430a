using QD3PM.Core.Data;
using QD3PM.Core.Training;

namespace QD3PM.Core.Metrics;

/// <summary>
/// Conditional generation measured against the truth: for masks with a given number of known bits and every pattern of
/// known values that occurs in the data, the model's completions are compared with the data's conditional
/// distribution p(x | known bits). Reports KL(true conditional ‖ completions) in nats (completion histogram, clipped at
/// 1e-7) and the valid fraction of the completions, averaged over the patterns of a mask with the data's weights
/// p(known values), then over masks.
/// </summary>
public static class InpaintingEvaluation
{
    /// <summary>
    /// Every mask with <paramref name="known"/> of <paramref name="bits"/> bits set when there are at most
    /// <paramref name="maxMasks"/>, else that many distinct ones drawn with <paramref name="seed"/>; sorted.
    /// Bit n-1 of a mask is the first character of a pattern string.
    /// </summary>
    public static IReadOnlyList<int> Masks(int bits, int known, int maxMasks, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(known);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(known, bits);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMasks, 1);
        var all = Enumerable.Range(0, 1 << bits).Where(m => System.Numerics.BitOperations.PopCount((uint)m) == known).ToList();
        if (all.Count <= maxMasks) return all;
        var rng = new Random(seed);
        return all.OrderBy(_ => rng.Next()).Take(maxMasks).OrderBy(m => m).ToList();
    }

    /// <summary>The data's conditional distribution over full strings given the bits of <paramref name="mask"/> equal <paramref name="value"/>.</summary>
    public static double[] TrueConditional(DataSet data, int mask, int value)
    {
        var p = data.TargetDistribution;
        var c = new double[p.Length];
        double z = 0;
        for (int x = 0; x < p.Length; x++)
        {
            if ((x & mask) != value) continue;
            c[x] = p[x];
            z += p[x];
        }
        if (z <= 0) throw new ArgumentException("no data pattern has these known bits");
        for (int x = 0; x < c.Length; x++) c[x] /= z;
        return c;
    }

    /// <summary>The pattern string for Inpaint: known bits as 0/1, the rest '?'.</summary>
    public static string KnownPattern(int mask, int value, int bits) =>
        new([.. Enumerable.Range(0, bits).Select(n =>
        {
            int bit = 1 << (bits - 1 - n);
            return (mask & bit) == 0 ? '?' : (value & bit) != 0 ? '1' : '0';
        })]);

    public static InpaintingScore Run(ITrainedModel model, DataSet data, int knownBits, int completions, int maxMasks, int seed)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(completions, 1);
        var masks = Masks(data.BitCount, knownBits, maxMasks, seed);
        var p = data.TargetDistribution;
        double klSum = 0, validSum = 0;
        int patterns = 0;
        foreach (int mask in masks)
        {
            // The known-value patterns of this mask that occur in the data, with their probabilities.
            var weights = new Dictionary<int, double>();
            for (int x = 0; x < p.Length; x++)
                if (p[x] > 0) weights[x & mask] = weights.GetValueOrDefault(x & mask) + p[x];
            double kl = 0, valid = 0;
            foreach (var (value, weight) in weights.OrderBy(w => w.Key))
            {
                var drawn = model.Inpaint(KnownPattern(mask, value, data.BitCount), completions, new Random(unchecked(seed * 1_000_003 + mask * 65_537 + value)));
                kl += weight * Divergence.KlFromSamples(TrueConditional(data, mask, value), drawn);
                valid += weight * Validity.ValidFraction(data, drawn);
                patterns++;
            }
            klSum += kl;
            validSum += valid;
        }
        return new InpaintingScore(klSum / masks.Count, validSum / masks.Count, masks.Count, patterns);
    }
}
