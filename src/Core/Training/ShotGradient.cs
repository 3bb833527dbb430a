using QD3PM.Core.Circuits;
using QD3PM.Core.Gradients;

namespace QD3PM.Core.Training;

/// <summary>
/// Parameter-shift gradients of the QD3PM loss from measurement counts (docs/qpu.md, "Shot estimators").
/// For each loss term: p̂ = frequencies of the unshifted circuit, w = dL/dp at p̂, and for each gate k of the
/// block dL/dθ += scale_k · c_k · (Σ_x w[x] p̂⁺_k[x] − Σ_x w[x] p̂⁻_k[x]) with the gate's shift rule (c_k, ±s_k).
/// The MMD loss is quadratic in p, so w is affine in p̂ and independent of the shifted circuits' counts: the
/// gradient estimate is unbiased; the loss estimate L(p̂) is biased upwards by O(1/shots).
/// </summary>
public static class ShotGradient
{
    public static ShotPlan Plan(QD3PMProblem problem, ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (parameters.Length != problem.ParameterCount)
            throw new ArgumentException($"expected {problem.ParameterCount} parameters, got {parameters.Length}");
        if (block.Start < 0 || block.End > problem.ParameterCount || block.Count < 0)
            throw new ArgumentException($"block [{block.Start}, {block.End}) outside 0..{problem.ParameterCount}");
        int bits = problem.Ansatz.Bits;
        var baseCircuits = new List<Circuit>();
        var targets = new List<double[]>();
        var shifted = new List<Circuit>();
        var pairs = new List<ShiftPair>();
        var terms = problem.TermsOf(step, sample);
        for (int term = 0; term < terms.Count; term++)
        {
            var circuit = problem.Ansatz.Build(terms[term].Xt, terms[term].T);
            var bound = circuit.Bind(parameters);
            baseCircuits.Add(Measured(bound, bits, -1, 0));
            targets.Add(terms[term].Target);
            var ops = circuit.Operations;
            for (int k = 0; k < ops.Count; k++)
            {
                var op = ops[k];
                if (op.ParameterIndex < block.Start || op.ParameterIndex >= block.End) continue;
                var rule = ParameterShift.RuleFor(op.Kind);
                shifted.Add(Measured(bound, bits, k, rule.Shift));
                shifted.Add(Measured(bound, bits, k, -rule.Shift));
                pairs.Add(new ShiftPair(term, op.ParameterIndex - block.Start, op.Scale * rule.Coefficient, shifted.Count - 2, shifted.Count - 1));
            }
        }
        return new ShotPlan(step, sample, block, bits, baseCircuits, targets, shifted, pairs);
    }

    public static SampleGradient Estimate(QD3PMProblem problem, ShotPlan plan,
        IReadOnlyList<IReadOnlyDictionary<string, int>> baseCounts, IReadOnlyList<IReadOnlyDictionary<string, int>> shiftedCounts)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        if (baseCounts.Count != plan.BaseCircuits.Count || shiftedCounts.Count != plan.ShiftedCircuits.Count)
            throw new ArgumentException($"expected counts of {plan.BaseCircuits.Count} + {plan.ShiftedCircuits.Count} circuits, " +
                                        $"got {baseCounts.Count} + {shiftedCounts.Count}");
        int d = 1 << plan.MeasuredBits;
        var w = new double[plan.Targets.Count][];
        double loss = 0;
        var scratch = new double[d];
        for (int term = 0; term < plan.Targets.Count; term++)
        {
            var p = Frequencies(baseCounts[term], plan.MeasuredBits);
            w[term] = new double[d];
            loss += problem.Mmd.LossAndGradient(p, plan.Targets[term], w[term], scratch);
        }
        var gradient = new double[plan.Block.Count];
        foreach (var pair in plan.Pairs)
        {
            double plus = Expectation(w[pair.Term], shiftedCounts[pair.Plus], plan.MeasuredBits);
            double minus = Expectation(w[pair.Term], shiftedCounts[pair.Minus], plan.MeasuredBits);
            gradient[pair.Parameter] += pair.Weight * (plus - minus);
        }
        return new SampleGradient(plan.Sample, plan.Block, loss, gradient, plan.CircuitCount);
    }

    /// <summary>
    /// Estimated standard deviation of each pair's gradient term from one shot of each circuit:
    /// σ_k = |weight| · sqrt(Var_{p̂⁺}[ŵ] + Var_{p̂⁻}[ŵ]) (the estimate's variance with S shots per circuit is σ_k² / S).
    /// </summary>
    public static double[] PairDeviations(QD3PMProblem problem, ShotPlan plan,
        IReadOnlyList<IReadOnlyDictionary<string, int>> baseCounts, IReadOnlyList<IReadOnlyDictionary<string, int>> shiftedCounts)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(plan);
        int d = 1 << plan.MeasuredBits;
        var scratch = new double[d];
        var w = new double[plan.Targets.Count][];
        for (int term = 0; term < plan.Targets.Count; term++)
        {
            w[term] = new double[d];
            problem.Mmd.LossAndGradient(Frequencies(baseCounts[term], plan.MeasuredBits), plan.Targets[term], w[term], scratch);
        }
        var sigma = new double[plan.Pairs.Count];
        for (int k = 0; k < sigma.Length; k++)
        {
            var pair = plan.Pairs[k];
            double v = Variance(w[pair.Term], Frequencies(shiftedCounts[pair.Plus], plan.MeasuredBits))
                       + Variance(w[pair.Term], Frequencies(shiftedCounts[pair.Minus], plan.MeasuredBits));
            sigma[k] = Math.Abs(pair.Weight) * Math.Sqrt(v);
        }
        return sigma;
    }

    private static double Variance(double[] w, double[] p)
    {
        double mean = 0, square = 0;
        for (int i = 0; i < p.Length; i++)
        {
            mean += p[i] * w[i];
            square += p[i] * w[i] * w[i];
        }
        return Math.Max(0, square - mean * mean);
    }

    /// <summary>Sums counts of the same circuit from several jobs (pilot and adaptive rounds).</summary>
    public static IReadOnlyDictionary<string, int> Merge(IReadOnlyDictionary<string, int> a, IReadOnlyDictionary<string, int>? b)
    {
        if (b is null || b.Count == 0) return a;
        var merged = new Dictionary<string, int>(a);
        foreach (var (key, count) in b)
            merged[key] = merged.GetValueOrDefault(key) + count;
        return merged;
    }

    /// <summary>Relative frequencies of the measured bitstrings (highest bit leftmost) as a distribution over 2^bits.</summary>
    public static double[] Frequencies(IReadOnlyDictionary<string, int> counts, int bits)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var p = new double[1 << bits];
        long total = 0;
        foreach (var (key, count) in counts)
        {
            if (count < 0) throw new ArgumentException($"negative count {count} for '{key}'");
            p[Index(key, bits)] += count;
            total += count;
        }
        if (total == 0) throw new ArgumentException("a circuit returned no shots");
        for (int i = 0; i < p.Length; i++) p[i] /= total;
        return p;
    }

    private static double Expectation(double[] w, IReadOnlyDictionary<string, int> counts, int bits)
    {
        var p = Frequencies(counts, bits);
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += w[i] * p[i];
        return sum;
    }

    private static int Index(string key, int bits)
    {
        // Keys may carry more classical bits than measured ones (a wider creg): the low `bits` bits count.
        if (key.Length < bits) throw new FormatException($"bitstring '{key}' has fewer than {bits} bits");
        int x = 0;
        for (int j = key.Length - bits; j < key.Length; j++)
        {
            char c = key[j];
            if (c is not ('0' or '1')) throw new FormatException($"'{key}' is not a bitstring");
            x = x << 1 | (c - '0');
        }
        return x;
    }

    /// <summary>The bound circuit with operation <paramref name="shifted"/>'s first angle moved by delta, measuring the data bits.</summary>
    private static Circuit Measured(Circuit bound, int bits, int shifted, double delta)
    {
        var c = new Circuit(bound.QubitCount, bits);
        var ops = bound.Operations;
        for (int k = 0; k < ops.Count; k++)
        {
            var op = ops[k];
            if (k == shifted)
            {
                var p = (double[])op.Parameters.Clone();
                p[0] += delta;
                op = op with { Parameters = p };
            }
            c.Add(op);
        }
        for (int q = 0; q < bits; q++) c.Measure(q, q);
        return c;
    }
}
