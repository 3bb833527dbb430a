using QD3PM.Core.Circuits;
using QD3PM.Core.Diffusion;

namespace QD3PM.Core.Training;

/// <summary>
/// Simultaneous-perturbation gradients (SPSA, Spall 1992; what Qiskit's SPSA and PennyLane's SPSAOptimizer run). For
/// sample s of step k a direction Δ ∈ {−1, +1}^P is drawn from (seed, k, s) — a stream of its own, so any worker draws
/// the same one — and each loss term runs twice, at θ + cΔ and θ − cΔ:
/// ĝ = Σ_terms (L̂(θ + cΔ) − L̂(θ − cΔ)) / (2c) · Δ, reported loss Σ_terms (L̂⁺ + L̂⁻)/2.
/// Two circuits per sample and term, whatever P.
/// Bias: L̂ is the unbiased shot estimate of the MMD (<see cref="ShotGradient.UnbiasedLoss"/>) and Δ is independent of the
/// shots, so E[ĝ] = E_Δ[(L(θ+cΔ) − L(θ−cΔ))/(2c) Δ] = ∇L + O(c²) (the central difference's third-order term; the
/// cross terms vanish because E[Δ_i Δ_j] = δ_ij). The reported loss is L(θ) + O(c²). Variance: each component carries the
/// whole directional difference, about P times a parameter-shift component's; the batch and Adam's normalisation
/// average it down, which is what the extra steps buy.
/// </summary>
public static class SpsaEstimator
{
    /// <summary>c in radians when the spec names none: large enough that shot noise does not swamp the difference.</summary>
    public const double DefaultPerturbation = 0.15;

    /// <summary>Random stream of the direction (TermsOf uses stream 0).</summary>
    private const int Stream = 1;

    public static double Perturbation(TrainingSpec spec) => spec.SpsaPerturbation ?? DefaultPerturbation;

    /// <summary>The ±1 direction of one (step, sample).</summary>
    public static double[] Direction(long seed, long step, int sample, int parameters)
    {
        var rng = SplitMix64.For(seed, step, sample, Stream);
        var delta = new double[parameters];
        for (int i = 0; i < parameters; i++) delta[i] = (rng.NextULong() & 1) == 0 ? -1 : 1;
        return delta;
    }

    public static PlanSegment Segment(QD3PMProblem problem, ReadOnlySpan<double> parameters, long step, int sample)
    {
        double c = Perturbation(problem.Spec);
        var delta = Direction(problem.Spec.Seed, step, sample, problem.ParameterCount);
        var plus = new double[parameters.Length];
        var minus = new double[parameters.Length];
        for (int i = 0; i < plus.Length; i++)
        {
            plus[i] = parameters[i] + c * delta[i];
            minus[i] = parameters[i] - c * delta[i];
        }
        var circuits = new List<Circuit>();
        var targets = new List<double[]>();
        int bits = problem.Ansatz.Bits;
        foreach (var term in problem.TermsOf(step, sample))
        {
            var circuit = problem.Ansatz.Build(term.Xt, term.T);
            circuits.Add(ShotGradient.Measured(circuit.Bind(plus), bits, -1, 0));
            circuits.Add(ShotGradient.Measured(circuit.Bind(minus), bits, -1, 0));
            targets.Add(term.Target);
        }
        return new SpsaSegment(sample, circuits, targets, delta, c);
    }

    private sealed class SpsaSegment(int sample, IReadOnlyList<Circuit> circuits, IReadOnlyList<double[]> targets, double[] delta, double c)
        : PlanSegment(sample, circuits)
    {
        public override double Accumulate(QD3PMProblem problem, IReadOnlyList<double[]> frequencies, int shots, double[] gradient)
        {
            int d = frequencies[0].Length;
            var w = new double[d];
            var scratch = new double[d];
            double loss = 0, slope = 0;
            for (int term = 0; term < targets.Count; term++)
            {
                double lPlus = ShotGradient.UnbiasedLoss(problem.Mmd, frequencies[2 * term], targets[term], w, scratch, shots);
                double lMinus = ShotGradient.UnbiasedLoss(problem.Mmd, frequencies[2 * term + 1], targets[term], w, scratch, shots);
                slope += (lPlus - lMinus) / (2 * c);
                loss += (lPlus + lMinus) / 2;
            }
            for (int i = 0; i < gradient.Length; i++) gradient[i] += slope * delta[i];
            return loss;
        }
    }
}
