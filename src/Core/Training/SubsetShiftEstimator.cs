using QD3PM.Core.Diffusion;

namespace QD3PM.Core.Training;

/// <summary>
/// The shot-frugal estimator: parameter shift on k of the P parameters per sample, drawn without replacement from
/// (seed, step, sample) (its own random stream), each derivative scaled by P/k, the others zero (randomised coordinate
/// descent). Unbiased: every parameter is drawn with probability k/P, so E[(P/k)·1{i drawn}·ĝ_i] = E[ĝ_i] = ∂L/∂θ_i, and
/// the shot estimate ĝ_i itself is the unbiased parameter-shift estimate. Circuits per sample and loss term: one
/// unshifted plus two per gate of the drawn parameters (about 2k + 1 instead of 2P + 1). Different samples draw
/// different subsets, so a batch of B covers about B·k parameters per step.
/// </summary>
public static class SubsetShiftEstimator
{
    public const int DefaultSize = 8;

    private const int Stream = 2;

    public static int Size(TrainingSpec spec, int parameterCount) => Math.Clamp(spec.SubsetSize ?? DefaultSize, 1, parameterCount);

    /// <summary>The drawn parameters of one (step, sample), ascending.</summary>
    public static int[] Choose(long seed, long step, int sample, int parameters, int k)
    {
        var rng = SplitMix64.For(seed, step, sample, Stream);
        var all = Enumerable.Range(0, parameters).ToArray();
        for (int i = 0; i < k; i++)
        {
            int j = i + rng.NextInt(parameters - i);
            (all[i], all[j]) = (all[j], all[i]);
        }
        var chosen = all[..k];
        Array.Sort(chosen);
        return chosen;
    }

    /// <summary>Units [from, to) of one sample's k drawn parameters.</summary>
    public static PlanSegment Segment(QD3PMProblem problem, ReadOnlySpan<double> parameters, long step, int sample, int from, int to)
    {
        int p = problem.ParameterCount, k = Size(problem.Spec, p);
        var chosen = Choose(problem.Spec.Seed, step, sample, p, k);
        var only = new HashSet<int>(chosen[from..to]);
        var plan = ShotGradient.Plan(problem, parameters, step, sample, ParameterRange.All(p), only, (double)p / k);
        return new ShiftSegment(plan, carriesLoss: from == 0);
    }
}
