using QD3PM.Core.Circuits;
using QD3PM.Core.Diffusion;
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
    public static ShotPlan Plan(QD3PMProblem problem, ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block) =>
        Plan(problem, parameters, step, sample, block, null, 1);

    /// <summary>
    /// The plan for the parameters of <paramref name="block"/> that <paramref name="only"/> contains (all when null), each
    /// pair's weight multiplied by <paramref name="scale"/> (the random-subset estimator's P/k).
    /// </summary>
    public static ShotPlan Plan(QD3PMProblem problem, ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block,
        IReadOnlySet<int>? only, double scale)
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
                if (only is not null && !only.Contains(op.ParameterIndex)) continue;
                var rule = ParameterShift.RuleFor(op.Kind);
                shifted.Add(Measured(bound, bits, k, rule.Shift));
                shifted.Add(Measured(bound, bits, k, -rule.Shift));
                pairs.Add(new ShiftPair(term, op.ParameterIndex - block.Start, scale * op.Scale * rule.Coefficient, shifted.Count - 2, shifted.Count - 1));
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
        return EstimateFrequencies(problem, plan, baseCounts.Select(c => Frequencies(c, plan.MeasuredBits)).ToList(),
            shiftedCounts.Select(c => Frequencies(c, plan.MeasuredBits)).ToList(), shots: 0);
    }

    /// <summary>
    /// The estimate from outcome frequencies (exact probabilities, or counts / shots). With <paramref name="shots"/> &gt; 1
    /// the reported loss is the unbiased estimate (see <see cref="UnbiasedLoss"/>); the gradient is unbiased either way.
    /// </summary>
    public static SampleGradient EstimateFrequencies(QD3PMProblem problem, ShotPlan plan, IReadOnlyList<double[]> baseFrequencies,
        IReadOnlyList<double[]> shiftedFrequencies, int shots)
    {
        int d = 1 << plan.MeasuredBits;
        var w = new double[plan.Targets.Count][];
        double loss = 0;
        var scratch = new double[d];
        for (int term = 0; term < plan.Targets.Count; term++)
        {
            w[term] = new double[d];
            loss += UnbiasedLoss(problem.Mmd, baseFrequencies[term], plan.Targets[term], w[term], scratch, shots);
        }
        var gradient = new double[plan.Block.Count];
        foreach (var pair in plan.Pairs)
        {
            double plus = Dot(w[pair.Term], shiftedFrequencies[pair.Plus]);
            double minus = Dot(w[pair.Term], shiftedFrequencies[pair.Minus]);
            gradient[pair.Parameter] += pair.Weight * (plus - minus);
        }
        return new SampleGradient(plan.Sample, plan.Block, loss, gradient, plan.CircuitCount);
    }

    /// <summary>
    /// MMD²(p̂, q) minus its shot bias, and dMMD²/dp at p̂ into <paramref name="gradient"/>. With S shots,
    /// E[p̂ᵀKp̂] = pᵀKp + (Σ_x K_xx p_x − pᵀKp)/S and K_xx = 1 for the Hamming kernel mix, so
    /// L̂ = L(p̂) − (1 − p̂ᵀKp̂)/(S − 1) has expectation L(p) exactly. <paramref name="shots"/> ≤ 1: exact frequencies, L(p̂).
    /// </summary>
    public static double UnbiasedLoss(HammingMmd mmd, double[] p, double[] q, double[] gradient, double[] scratch, int shots)
    {
        ArgumentNullException.ThrowIfNull(mmd);
        double loss = mmd.LossAndGradient(p, q, gradient, scratch);
        if (shots <= 1) return loss;
        var zero = new double[p.Length];
        var unused = new double[p.Length];
        double pkp = mmd.LossAndGradient(p, zero, unused, scratch);
        return loss - (1 - pkp) / (shots - 1);
    }

    private static double Dot(double[] w, double[] p)
    {
        double sum = 0;
        for (int i = 0; i < p.Length; i++) sum += w[i] * p[i];
        return sum;
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
    internal static Circuit Measured(Circuit bound, int bits, int shifted, double delta)
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
