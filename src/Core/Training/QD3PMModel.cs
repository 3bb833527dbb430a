using System.Collections.Concurrent;
using QD3PM.Core.Data;

namespace QD3PM.Core.Training;

/// <summary>
/// A trained QD3PM denoiser used generatively. Multi-step: ancestral sampling x_T ~ uniform, x_{t-1} ~ p_θ(·|x_t, t)
/// for t = T..1. Single-step: x0 ~ p_θ(·|x_T, T) in one circuit run. Conditionals are cached per (x_t, t): there are
/// only d·T of them, so 10,000 samples cost at most d·T circuit runs.
/// </summary>
public sealed class QD3PMModel : ITrainedModel
{
    /// <summary>Exact distributions are computed up to this many data bits (d·T circuit runs).</summary>
    public const int ExactLimitBits = 10;

    private readonly double[] _parameters;
    private readonly ConcurrentDictionary<(int Xt, int T), double[]> _conditionals = new();

    public QD3PMModel(TrainingSpec spec, DataSet data, double[] parameters)
        : this(new QD3PMProblem(spec, data), parameters)
    {
    }

    public QD3PMModel(QD3PMProblem problem, double[] parameters)
    {
        Problem = problem;
        if (parameters.Length != Problem.ParameterCount)
            throw new ArgumentException($"the model needs {Problem.ParameterCount} parameters, the file has {parameters.Length}");
        _parameters = parameters;
    }

    public QD3PMProblem Problem { get; }
    public TrainingSpec Spec => Problem.Spec;
    public int BitCount => Problem.Data.BitCount;
    private int Dimension => Problem.Data.Dimension;
    private int T => Problem.Spec.TimeSteps;

    /// <summary>p_θ(· | x_t, t), cached.</summary>
    public double[] Conditional(int xt, int t) => _conditionals.GetOrAdd((xt, t), k => Problem.Conditional(_parameters, k.Xt, k.T));

    public int[] Sample(int count, Random rng) => Generate(count, rng, null, null);

    public int[] Inpaint(string known, int count, Random rng)
    {
        var (mask, value) = ParseKnown(known, BitCount);
        if (Problem.SingleStep && ExactDistribution() is { } exact)
        {
            // Exact conditioning: the model distribution restricted to strings that agree with the known bits.
            var conditioned = new double[exact.Length];
            for (int x = 0; x < exact.Length; x++)
                if ((x & mask) == value) conditioned[x] = exact[x];
            double z = conditioned.Sum();
            if (z <= 0) return Generate(count, rng, mask, value);
            var result = new int[count];
            for (int i = 0; i < count; i++) result[i] = Draw(conditioned, rng.NextDouble() * z);
            return result;
        }
        return Generate(count, rng, mask, value);
    }

    /// <summary>Ancestral sampling; with a mask, known bits are reset at every reverse step.</summary>
    private int[] Generate(int count, Random rng, int? mask, int? value)
    {
        var result = new int[count];
        for (int i = 0; i < count; i++)
        {
            int x = rng.Next(Dimension);
            if (mask is { } m) x = (x & ~m) | value!.Value;
            int from = T, to = Problem.SingleStep ? T : 1;
            for (int t = from; t >= to; t--)
            {
                x = Draw(Conditional(x, t), rng.NextDouble());
                if (mask is { } mm) x = (x & ~mm) | value!.Value;
            }
            result[i] = x;
        }
        return result;
    }

    public double[]? ExactDistribution()
    {
        if (BitCount > ExactLimitBits) return null;
        int d = Dimension;
        var v = new double[d];
        Array.Fill(v, 1.0 / d);
        int to = Problem.SingleStep ? T : 1;
        for (int t = T; t >= to; t--)
        {
            var next = new double[d];
            var rows = new double[d][];
            int step = t;
            Parallel.For(0, d, x => rows[x] = Conditional(x, step));
            for (int x = 0; x < d; x++)
            {
                if (v[x] == 0) continue;
                var row = rows[x];
                for (int y = 0; y < d; y++) next[y] += v[x] * row[y];
            }
            v = next;
        }
        return v;
    }

    /// <summary>Parses "1?0?" into a mask of known bits and their values (first character = most significant bit).</summary>
    public static (int Mask, int Value) ParseKnown(string known, int bits)
    {
        if (known.Length != bits)
            throw new ArgumentException($"--known has {known.Length} characters, the model {bits} bits");
        int mask = 0, value = 0;
        for (int n = 0; n < bits; n++)
        {
            int bit = 1 << (bits - 1 - n);
            switch (known[n])
            {
                case '0': mask |= bit; break;
                case '1': mask |= bit; value |= bit; break;
                case '?': break;
                default: throw new ArgumentException($"--known: '{known[n]}' at position {n + 1} is not 0, 1 or ?");
            }
        }
        return (mask, value);
    }

    private static int Draw(double[] p, double u)
    {
        double c = 0;
        for (int i = 0; i < p.Length - 1; i++)
        {
            c += p[i];
            if (u < c) return i;
        }
        return p.Length - 1;
    }
}
