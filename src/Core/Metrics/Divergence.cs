namespace QD3PM.Core.Metrics;

/// <summary>KL divergences (nats) and total correlation, as the paper measures them.</summary>
public static class Divergence
{
    /// <summary>Probabilities below this are raised to it before taking logs (the paper's clipping).</summary>
    public const double DefaultClip = 1e-7;

    /// <summary>KL(target || model) with the model's probabilities clipped at <paramref name="clip"/>.</summary>
    public static double Kl(ReadOnlySpan<double> target, ReadOnlySpan<double> model, double clip = DefaultClip)
    {
        if (target.Length != model.Length)
            throw new ArgumentException($"target has {target.Length} entries, model {model.Length}");
        double kl = 0;
        for (int i = 0; i < target.Length; i++)
        {
            if (target[i] <= 0) continue;
            kl += target[i] * Math.Log(target[i] / Math.Max(model[i], clip));
        }
        return kl;
    }

    /// <summary>
    /// KL(target || model) from the model's probabilities on the target's support only (<paramref name="modelOnSupport"/>[i]
    /// is the model's probability of <paramref name="support"/>[i]): outcomes outside it add nothing to this KL.
    /// </summary>
    public static double KlOnSupport(ReadOnlySpan<double> target, IReadOnlyList<int> support, ReadOnlySpan<double> modelOnSupport, double clip = DefaultClip)
    {
        if (support.Count != modelOnSupport.Length)
            throw new ArgumentException($"{support.Count} outcomes but {modelOnSupport.Length} probabilities");
        double kl = 0;
        for (int i = 0; i < support.Count; i++)
        {
            double p = target[support[i]];
            if (p > 0) kl += p * Math.Log(p / Math.Max(modelOnSupport[i], clip));
        }
        return kl;
    }

    /// <summary>The outcomes with positive probability.</summary>
    public static int[] Support(ReadOnlySpan<double> distribution)
    {
        var support = new List<int>();
        for (int x = 0; x < distribution.Length; x++)
            if (distribution[x] > 0) support.Add(x);
        return [.. support];
    }

    /// <summary>KL(target || empirical distribution of <paramref name="samples"/>).</summary>
    public static double KlFromSamples(double[] target, IReadOnlyList<int> samples, double clip = DefaultClip) =>
        Kl(target, Histogram(target.Length, samples), clip);

    /// <summary>Empirical distribution of integer samples over 0..dimension-1.</summary>
    public static double[] Histogram(int dimension, IReadOnlyList<int> samples)
    {
        var q = new double[dimension];
        if (samples.Count == 0) return q;
        foreach (int x in samples) q[x] += 1.0;
        for (int i = 0; i < q.Length; i++) q[i] /= samples.Count;
        return q;
    }

    /// <summary>
    /// Total correlation Σ_n H(X_n) - H(X) of a distribution over <paramref name="bits"/>-bit strings (first bit most
    /// significant): the smallest KL any factorised (product) distribution can reach against it.
    /// </summary>
    public static double TotalCorrelation(ReadOnlySpan<double> distribution, int bits)
    {
        double joint = 0;
        var ones = new double[bits];
        for (int x = 0; x < distribution.Length; x++)
        {
            double p = distribution[x];
            if (p <= 0) continue;
            joint -= p * Math.Log(p);
            for (int n = 0; n < bits; n++)
                if ((x >> (bits - 1 - n) & 1) == 1) ones[n] += p;
        }
        double marginals = 0;
        foreach (double p1 in ones)
        {
            if (p1 > 0) marginals -= p1 * Math.Log(p1);
            if (p1 < 1) marginals -= (1 - p1) * Math.Log(1 - p1);
        }
        return marginals - joint;
    }
}
