using System.Collections.Concurrent;
using QD3PM.Core.Training;

namespace QD3PM.Core.Baselines;

/// <summary>
/// A trained factorised baseline used generatively: ancestral sampling from uniform noise with per-bit draws
/// (multi-step: T reverse steps; single-step: one), inpainting by resetting known bits at every step. In single-step
/// mode the output is one product distribution per input, so its KL to the data can never beat the data's total
/// correlation.
/// </summary>
public sealed class FactorizedModel : ITrainedModel
{
    public const int ExactLimitBits = 10;

    private readonly double[] _parameters;
    private readonly ConcurrentDictionary<(int Xt, int T), double[]> _ones = new();

    public FactorizedModel(FactorizedDiffusionProblem problem, double[] parameters)
    {
        if (parameters.Length != problem.ParameterCount)
            throw new ArgumentException($"the model needs {problem.ParameterCount} parameters, the file has {parameters.Length}");
        Problem = problem;
        _parameters = parameters;
    }

    public FactorizedDiffusionProblem Problem { get; }
    public TrainingSpec Spec => Problem.Spec;
    public int BitCount => Problem.Data.BitCount;
    private int Dimension => Problem.Data.Dimension;
    private int T => Spec.TimeSteps;
    private int LastStep => Problem.SingleStep ? T : 1;

    /// <summary>p(x_{t-1}[n] = 1 | x_t, t) for every bit, cached.</summary>
    public double[] Ones(int xt, int t) => _ones.GetOrAdd((xt, t), k =>
    {
        var ones = new double[BitCount];
        Problem.Denoiser.Forward(_parameters, k.Xt, k.T, ones);
        return ones;
    });

    public int[] Sample(int count, Random rng) => Generate(count, rng, 0, 0);

    public int[] Inpaint(string known, int count, Random rng)
    {
        var (mask, value) = QD3PMModel.ParseKnown(known, BitCount);
        return Generate(count, rng, mask, value);
    }

    private int[] Generate(int count, Random rng, int mask, int value)
    {
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            int x = (rng.Next(Dimension) & ~mask) | value;
            for (int t = T; t >= LastStep; t--)
            {
                var ones = Ones(x, t);
                x = 0;
                for (int n = 0; n < ones.Length; n++)
                    if (rng.NextDouble() < ones[n]) x |= 1 << n;
                x = (x & ~mask) | value;
            }
            result[i] = x;
        }
        return result;
    }

    /// <summary>
    /// Single-step mode at any size: given the noise input z (uniform over 2^N) the output bits are independent, so
    /// p(y) = 2^-N Σ_z Π_n p_n(y_n | z): O(2^N N) per outcome instead of the whole distribution's O(4^N).
    /// </summary>
    public double[]? ExactProbabilities(IReadOnlyList<int> outcomes)
    {
        if (!Problem.SingleStep || BitCount > MaxSingleOutcomeBits)
            return null;
        int d = Dimension, bits = BitCount;
        var sums = new double[outcomes.Count];
        var gate = new object();
        Parallel.For(0, d, () => (Ones: new double[bits], Sums: new double[outcomes.Count]), (z, _, local) =>
        {
            Problem.Denoiser.Forward(_parameters, z, T, local.Ones);
            for (int i = 0; i < outcomes.Count; i++)
            {
                double p = 1;
                for (int n = 0; n < bits; n++)
                    p *= (outcomes[i] >> n & 1) == 1 ? local.Ones[n] : 1 - local.Ones[n];
                local.Sums[i] += p;
            }
            return local;
        }, local =>
        {
            lock (gate)
                for (int i = 0; i < sums.Length; i++) sums[i] += local.Sums[i];
        });
        for (int i = 0; i < sums.Length; i++) sums[i] /= d;
        return sums;
    }

    /// <summary>Largest size for <see cref="ExactProbabilities"/> (2^N denoiser calls per call).</summary>
    public const int MaxSingleOutcomeBits = 20;

    public double[]? ExactDistribution()
    {
        if (BitCount > ExactLimitBits) return null;
        int d = Dimension;
        var v = new double[d];
        Array.Fill(v, 1.0 / d);
        for (int t = T; t >= LastStep; t--)
        {
            var next = new double[d];
            var row = new double[d];
            for (int x = 0; x < d; x++)
            {
                if (v[x] == 0) continue;
                Product(Ones(x, t), row);
                for (int y = 0; y < d; y++) next[y] += v[x] * row[y];
            }
            v = next;
        }
        return v;
    }

    /// <summary>The product distribution of per-bit probabilities over all 2^N strings.</summary>
    public static void Product(ReadOnlySpan<double> ones, Span<double> distribution)
    {
        distribution[0] = 1;
        int size = 1;
        for (int n = 0; n < ones.Length; n++)
        {
            for (int x = 0; x < size; x++)
            {
                double p = distribution[x];
                distribution[x | size] = p * ones[n];
                distribution[x] = p * (1 - ones[n]);
            }
            size <<= 1;
        }
    }
}
