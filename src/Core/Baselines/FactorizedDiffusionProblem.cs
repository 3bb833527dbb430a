using QD3PM.Core.Data;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Optimization;
using QD3PM.Core.Training;

namespace QD3PM.Core.Baselines;

/// <summary>
/// Training of a factorised baseline (classical D3PM or one circuit per bit) as the same kind of pure step function
/// as <see cref="QD3PMProblem"/>: same schedule, batch, step budget and Adam, per-bit uniform noise, and the D3PM
/// loss Σ_n KL(q_n ‖ p_n) of the per-bit posterior against the model's per-bit output (multi-step: a t term drawn by
/// the spec's <see cref="TimeSampling"/> plus the t = 1 term against x0; single-step: x_T uniform against x0). Both gradient methods give the same
/// exact gradient (backpropagation, or adjoint differentiation of the small circuits).
/// </summary>
public sealed class FactorizedDiffusionProblem : IGradientProblem
{
    private const double Clip = 1e-7;

    public FactorizedDiffusionProblem(TrainingSpec spec, DataSet data, IBitwiseDenoiser denoiser)
    {
        spec.Validate();
        if (denoiser.Bits != data.BitCount) throw new ArgumentException("denoiser and data differ in bit count");
        if (spec.Gradient is not (GradientMethod.Adjoint or GradientMethod.Shift))
            throw new ArgumentException($"the factorised baselines train with adjoint or shift gradients, not {spec.Gradient}");
        if (spec.Noise > 0)
            throw new InvalidSpecException("depolarizing noise applies to qd3pm; the factorised baselines are noiseless");
        Spec = spec;
        Data = data;
        Denoiser = denoiser;
        SingleStep = spec.Mode == DiffusionMode.SingleStep;
        Schedule = new CosineSchedule(spec.TimeSteps);
        Times = new TimeStepSampler(Schedule, spec.TimeSampling);
        Optimizer = new Adam(spec.LearningRate, spec.FinalLearningRate, spec.Steps);
    }

    public TrainingSpec Spec { get; }
    public DataSet Data { get; }
    public IBitwiseDenoiser Denoiser { get; }
    public bool SingleStep { get; }
    public CosineSchedule Schedule { get; }
    public TimeStepSampler Times { get; }
    public Adam Optimizer { get; }
    public int ParameterCount => Denoiser.ParameterCount;
    public int SamplesPerStep => Spec.Batch;

    public TrainerState InitialState()
    {
        var rng = SplitMix64.For(Spec.Seed, -1, 0);
        var theta = Denoiser.InitialParameters(rng.NextGaussian);
        return TrainerState.Start(theta);
    }

    /// <summary>One loss term: input (x_t, t) and the per-bit target probabilities of a one.</summary>
    public readonly record struct Term(int Xt, int T, double[] TargetOnes);

    public IReadOnlyList<Term> TermsOf(long step, int sample)
    {
        var rng = SplitMix64.For(Spec.Seed, step, sample);
        int bits = Data.BitCount, T = Spec.TimeSteps;
        int x0 = Data.Samples[rng.NextInt(Data.Samples.Count)];
        var exact = new double[bits];
        for (int n = 0; n < bits; n++) exact[n] = x0 >> n & 1;
        if (SingleStep)
            return [new Term(rng.NextInt(Data.Dimension), T, exact)];
        int t = Times.Draw(rng);
        int xt = BitwiseNoise.SampleForward(Schedule, t, x0, bits, rng);
        var target = new double[bits];
        BitwiseNoise.PosteriorOnes(Schedule, t, xt, x0, bits, target);
        int x1 = BitwiseNoise.SampleForward(Schedule, 1, x0, bits, rng);
        return [new Term(xt, t, target), new Term(x1, 1, exact)];
    }

    public SampleGradient Evaluate(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block, GradientMethod method)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"expected {ParameterCount} parameters, got {parameters.Length}");
        int bits = Data.BitCount;
        var full = new double[ParameterCount];
        var ones = new double[bits];
        var lossByOne = new double[bits];
        double loss = 0;
        long evaluations = 0;
        foreach (var term in TermsOf(step, sample))
        {
            Denoiser.Forward(parameters, term.Xt, term.T, ones);
            loss += LossAndGradient(term.TargetOnes, ones, lossByOne);
            Denoiser.Backward(parameters, term.Xt, term.T, lossByOne, full);
            evaluations += 2;
        }
        var gradient = full.AsSpan(block.Start, block.Count).ToArray();
        return new SampleGradient(sample, block, loss, gradient, evaluations);
    }

    /// <summary>Σ_n KL(Bernoulli(q_n) ‖ Bernoulli(p_n)) and its derivative by each p_n (p clipped away from 0 and 1).</summary>
    public static double LossAndGradient(ReadOnlySpan<double> q, ReadOnlySpan<double> p, Span<double> lossByOne)
    {
        double loss = 0;
        for (int n = 0; n < q.Length; n++)
        {
            double pn = Math.Clamp(p[n], Clip, 1 - Clip), qn = q[n];
            if (qn > 0) loss += qn * Math.Log(qn / pn);
            if (qn < 1) loss += (1 - qn) * Math.Log((1 - qn) / (1 - pn));
            lossByOne[n] = -qn / pn + (1 - qn) / (1 - pn);
        }
        return loss;
    }
}
