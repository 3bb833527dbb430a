using QD3PM.Core.Diffusion;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Training;

/// <summary>
/// A step's gradient work as a row of units, sample after sample (<see cref="UnitRange"/>): one unit per parameter for
/// parameter shift, one per sample for SPSA, one per drawn parameter for the random-subset shift. Any contiguous range is a
/// work item (<see cref="Plan"/>). For hardware runs <see cref="Pack"/> cuts the row into items of at most a QPU job's
/// circuits, so circuits of several samples share a job and a step needs about circuits / max-circuits jobs; the cut
/// depends only on the spec and the step, so every worker and every retry sees the same items (and the same job keys).
/// </summary>
public static class UnitLayout
{
    /// <summary>Whether a method lays its work out in units (adjoint is simulator-only and always one item per sample).</summary>
    public static bool HasUnits(GradientMethod method) => method is GradientMethod.Shift or GradientMethod.Spsa or GradientMethod.ShiftSubset;

    public static int UnitsPerSample(QD3PMProblem problem, GradientMethod method) => method switch
    {
        GradientMethod.Spsa => 1,
        GradientMethod.ShiftSubset => SubsetShiftEstimator.Size(problem.Spec, problem.ParameterCount),
        _ => problem.ParameterCount,
    };

    /// <summary>Whether a run's items are packed unit ranges (a QD3PM model, a method with units and <see cref="TrainingSpec.JobCircuits"/> set).</summary>
    public static bool IsPacked(IGradientProblem problem) =>
        problem is QD3PMProblem && problem.Spec.JobCircuits is > 0 && HasUnits(problem.Spec.Gradient);

    /// <summary>The items of a packed run's step (null when the run is not packed): see <see cref="Pack"/>.</summary>
    public static IReadOnlyList<UnitRange>? PackedItems(IGradientProblem problem, long step) =>
        IsPacked(problem) ? Pack((QD3PMProblem)problem, step, problem.Spec.Gradient, problem.Spec.JobCircuits!.Value) : null;

    /// <summary>The units of one sample (a classic item of the Spsa and ShiftSubset methods covers exactly these).</summary>
    public static UnitRange OfSample(QD3PMProblem problem, GradientMethod method, int sample)
    {
        int u = UnitsPerSample(problem, method);
        return new UnitRange(sample * u, (sample + 1) * u);
    }

    /// <summary>The circuits of a unit range and their estimator.</summary>
    public static CircuitPlan Plan(QD3PMProblem problem, ReadOnlySpan<double> parameters, long step, UnitRange units, GradientMethod method)
    {
        ArgumentNullException.ThrowIfNull(problem);
        if (!HasUnits(method)) throw new ArgumentException($"gradient method {method} has no unit layout");
        int per = UnitsPerSample(problem, method);
        if (units.Start < 0 || units.End > per * problem.SamplesPerStep || units.Count <= 0)
            throw new ArgumentException($"units [{units.Start}, {units.End}) outside the step's {per * problem.SamplesPerStep}");
        var segments = new List<PlanSegment>();
        for (int u = units.Start; u < units.End;)
        {
            int sample = u / per, from = u % per, to = Math.Min(per, units.End - sample * per);
            segments.Add(method switch
            {
                GradientMethod.Spsa => SpsaEstimator.Segment(problem, parameters, step, sample),
                GradientMethod.ShiftSubset => SubsetShiftEstimator.Segment(problem, parameters, step, sample, from, to),
                _ => new ShiftSegment(ShotGradient.Plan(problem, parameters, step, sample, new ParameterRange(from, to)), carriesLoss: from == 0),
            });
            u = sample * per + to;
        }
        return new CircuitPlan(step, units, problem.Ansatz.Bits, problem.ParameterCount, segments);
    }

    /// <summary>
    /// Cuts step <paramref name="step"/>'s units into ranges of at most <paramref name="maxCircuits"/> circuits (a range
    /// holding part of a sample also holds that sample's unshifted circuits). Greedy in unit order; a single unit larger
    /// than the limit gets a range of its own (the QPU proxy then splits it into several jobs).
    /// </summary>
    public static IReadOnlyList<UnitRange> Pack(QD3PMProblem problem, long step, GradientMethod method, int maxCircuits) =>
        PackCounted(problem, step, method, maxCircuits).Ranges;

    /// <summary>
    /// The circuits step <paramref name="step"/> runs on a QPU: its items' circuits, a sample's unshifted ones once per item
    /// touching the sample (packed runs: <paramref name="maxCircuits"/> = the spec's job circuits; unpacked: null, one item
    /// per sample, whose parameter blocks share the unshifted circuits). What a run's QPU budget forecasts a step from.
    /// </summary>
    public static long StepCircuits(QD3PMProblem problem, long step, GradientMethod method, int? maxCircuits) =>
        PackCounted(problem, step, method, maxCircuits ?? int.MaxValue).Circuits;

    private static (List<UnitRange> Ranges, long Circuits) PackCounted(QD3PMProblem problem, long step, GradientMethod method, int maxCircuits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCircuits, 1);
        long circuits = 0;
        int per = UnitsPerSample(problem, method);
        var ranges = new List<UnitRange>();
        int start = 0, used = 0;
        for (int sample = 0; sample < problem.SamplesPerStep; sample++)
        {
            var (head, costs) = Costs(problem, step, sample, method);
            bool headPaid = false;
            for (int j = 0; j < per; j++)
            {
                int unit = sample * per + j;
                int need = costs[j] + (headPaid ? 0 : head);
                if (used > 0 && used + need > maxCircuits)
                {
                    ranges.Add(new UnitRange(start, unit));
                    start = unit;
                    used = 0;
                    need = costs[j] + head;
                }
                used += need;
                circuits += need;
                headPaid = true;
            }
        }
        int total = per * problem.SamplesPerStep;
        if (start < total) ranges.Add(new UnitRange(start, total));
        return (ranges, circuits);
    }

    /// <summary>Circuits of one sample: shared ones (unshifted, once per item touching the sample) and per unit.</summary>
    private static (int Head, int[] PerUnit) Costs(QD3PMProblem problem, long step, int sample, GradientMethod method)
    {
        var terms = problem.TermsOf(step, sample);
        if (method == GradientMethod.Spsa) return (0, [2 * terms.Count]);
        var gates = new int[problem.ParameterCount];
        foreach (var term in terms)
            foreach (var op in problem.Ansatz.Build(term.Xt, term.T).Operations)
                if (op.ParameterIndex >= 0) gates[op.ParameterIndex]++;
        if (method == GradientMethod.Shift) return (terms.Count, gates.Select(g => 2 * g).ToArray());
        int k = SubsetShiftEstimator.Size(problem.Spec, problem.ParameterCount);
        var chosen = SubsetShiftEstimator.Choose(problem.Spec.Seed, step, sample, problem.ParameterCount, k);
        return (terms.Count, chosen.Select(p => 2 * gates[p]).ToArray());
    }

    /// <summary>
    /// A unit range on this machine's exact simulator: every circuit's data-qubit distribution; with
    /// <paramref name="shots"/> &gt; 0 each circuit's counts are drawn from it (seeded by seed, step and the range, so any
    /// worker draws the same), which is how the shot estimators are compared cheaply without a QPU.
    /// </summary>
    public static SampleGradient Evaluate(QD3PMProblem problem, ReadOnlySpan<double> parameters, long step, UnitRange units,
        GradientMethod method, int shots)
    {
        var plan = Plan(problem, parameters, step, units, method);
        int bits = plan.MeasuredBits;
        var data = Enumerable.Range(0, bits).ToArray();
        var state = new StateVector(problem.Ansatz.QubitCount, SimulatorOptions.Default with { Threads = 1 });
        var frequencies = new List<double[]>(plan.Circuits.Count);
        for (int i = 0; i < plan.Circuits.Count; i++)
        {
            state.Reset();
            foreach (var op in plan.Circuits[i].Operations) state.Apply(op);
            var p = state.Marginal(data);
            frequencies.Add(shots > 0 ? Sampled(p, shots, SplitMix64.For(problem.Spec.Seed, step, units.Start, 16 + i)) : p);
        }
        return plan.Estimate(problem, frequencies, shots);
    }

    private static double[] Sampled(double[] p, int shots, SplitMix64 rng)
    {
        var cumulative = new double[p.Length];
        double total = 0;
        for (int i = 0; i < p.Length; i++) cumulative[i] = total += Math.Max(0, p[i]);
        var f = new double[p.Length];
        for (int s = 0; s < shots; s++)
        {
            int i = Array.BinarySearch(cumulative, rng.NextDouble() * total);
            i = i < 0 ? ~i : i + 1;
            f[Math.Min(i, p.Length - 1)] += 1.0 / shots;
        }
        return f;
    }
}
