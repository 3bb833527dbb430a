using QD3PM.Core.Data;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Gradients;
using QD3PM.Core.Optimization;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Training;

/// <summary>
/// The QD3PM training objective as a pure step function. For sample s of step k, a generator seeded by
/// (seed, k, s) draws x0 from the data, then:
/// <list type="bullet">
/// <item>multi-step: t ~ U{2..T}, x_t ~ forward(x0, t), loss MMD²(p_θ(·|x_t, t), q(·|x_t, x0)); plus the t = 1 term
/// x_1 ~ forward(x0, 1), MMD²(p_θ(·|x_1, 1), onehot(x0)).</item>
/// <item>single-step: x_T uniform, loss MMD²(p_θ(·|x_T, T), onehot(x0)) — the circuit learns p(x0) from noise in one
/// run.</item>
/// </list>
/// Gradients by the chain rule: w = dL/dp on the data marginal, lifted to the full register (the ancilla traced
/// out), then adjoint differentiation or the parameter-shift rule of each gate in the requested block.
/// Multi-step t is drawn by the spec's <see cref="TimeSampling"/> (<see cref="TimeStepSampler"/>).
/// With depolarizing noise p (<see cref="TrainingSpec.Noise"/>) the model's distribution is the noisy channel's, the
/// mean over Pauli trajectories (<see cref="DepolarizingTrajectory"/>) p̄. MMD² is quadratic in p, so one trajectory's
/// MMD² would be biased (by its variance); each term instead draws two independent trajectories a and b and uses
/// (p_a − q)ᵀK(p_b − q), whose expectation is MMD²(p̄, q) and whose gradient (dp_a)ᵀK(p_b − q) + (p_a − q)ᵀK(dp_b) is
/// one adjoint sweep per trajectory: an unbiased estimate of the noisy loss and its gradient (the reported loss may
/// dip below zero). Trajectories come from (seed, step, sample) on a stream of their own, so every worker draws them.
/// </summary>
public sealed class QD3PMProblem : IGradientProblem, IShotGradientProblem
{
    private readonly ThreadLocal<Scratch> _scratch;

    public QD3PMProblem(TrainingSpec spec, DataSet data)
    {
        Spec = spec.Validate();
        Data = data;
        SingleStep = spec.Mode == DiffusionMode.SingleStep;
        Schedule = new CosineSchedule(spec.TimeSteps);
        Ansatz = new DenoiserAnsatz(data.BitCount, spec.Layers, spec.TimeSteps, spec.Entangler);
        Mmd = new HammingMmd(data.BitCount);
        Times = new TimeStepSampler(Schedule, spec.TimeSampling);
        Optimizer = new Adam(spec.LearningRate, spec.FinalLearningRate, spec.Steps);
        _scratch = new ThreadLocal<Scratch>(() => new Scratch(Ansatz));
    }

    public TrainingSpec Spec { get; }
    public DataSet Data { get; }
    public bool SingleStep { get; }
    public CosineSchedule Schedule { get; }
    public DenoiserAnsatz Ansatz { get; }
    public HammingMmd Mmd { get; }
    public TimeStepSampler Times { get; }
    public Adam Optimizer { get; }
    public int ParameterCount => Ansatz.ParameterCount;
    public int SamplesPerStep => Spec.Batch;

    public TrainerState InitialState()
    {
        var rng = SplitMix64.For(Spec.Seed, -1, 0);
        double sd = Ansatz.InitialStandardDeviation;
        var theta = new double[ParameterCount];
        for (int i = 0; i < theta.Length; i++) theta[i] = sd * rng.NextGaussian();
        return TrainerState.Start(theta);
    }

    /// <summary>One loss term: the model's input (x_t, t) and the distribution it should output.</summary>
    public readonly record struct Term(int Xt, int T, double[] Target);

    /// <summary>The loss terms of one sample (deterministic in seed, step, sample).</summary>
    public IReadOnlyList<Term> TermsOf(long step, int sample)
    {
        var rng = SplitMix64.For(Spec.Seed, step, sample);
        int d = Data.Dimension, T = Spec.TimeSteps;
        int x0 = Data.Samples[rng.NextInt(Data.Samples.Count)];
        var onehot = new double[d];
        onehot[x0] = 1;
        if (SingleStep)
            return [new Term(rng.NextInt(d), T, onehot)];
        int t = Times.Draw(rng);
        int xt = Posterior.SampleForward(Schedule, t, x0, d, rng);
        var target = new double[d];
        Posterior.Compute(Schedule, t, xt, x0, target);
        int x1 = Posterior.SampleForward(Schedule, 1, x0, d, rng);
        return [new Term(xt, t, target), new Term(x1, 1, onehot)];
    }

    public SampleGradient Evaluate(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block, GradientMethod method)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"expected {ParameterCount} parameters, got {parameters.Length}");
        if (method is GradientMethod.Spsa or GradientMethod.ShiftSubset)
        {
            // hardware estimators: the sample's units, from exact probabilities or (with --shots) sampled counts
            if (block.Count != ParameterCount)
                throw new ArgumentException($"{method} items cover all parameters, not [{block.Start}, {block.End})");
            var units = UnitLayout.Evaluate(this, parameters, step, UnitLayout.OfSample(this, method, sample), method, ShotSchedule.At(Spec, step));
            return units with { Sample = sample };
        }
        if (Spec.Noise > 0)
            return EvaluateNoisy(parameters, step, sample, block);
        var s = _scratch.Value!;
        var gradient = new double[block.Count];
        double loss = 0;
        long evaluations = 0;
        foreach (var term in TermsOf(step, sample))
        {
            var circuit = Ansatz.Circuit(term.Xt, term.T);
            // Adjoint runs forward in its own workspace, so the backward sweep starts from this very state.
            var forward = method == GradientMethod.Adjoint ? s.Workspace.State : s.State;
            forward.Reset();
            circuit.Run(forward, parameters);
            MarginalInto(forward, s.P);
            loss += Mmd.LossAndGradient(s.P, term.Target, s.W, s.MmdScratch);
            LiftToRegister(s.W, s.WFull);
            evaluations++;
            if (method == GradientMethod.Adjoint)
            {
                Array.Clear(s.Full);
                AdjointDifferentiation.GradientFromPreparedState(circuit, parameters, s.WFull, s.Full, s.Workspace);
                for (int i = 0; i < block.Count; i++) gradient[i] += s.Full[block.Start + i];
                evaluations += 2;
            }
            else
            {
                evaluations += ShiftGradient(circuit, parameters, block, s, gradient);
            }
        }
        return new SampleGradient(sample, block, loss, gradient, evaluations);
    }

    /// <summary>Random stream of the noise trajectories (TermsOf uses 0, SPSA 1, the shift subset 2).</summary>
    private const int TrajectoryStream = 5;

    /// <summary>Trajectories per noisy conditional of a register too large for the density matrix.</summary>
    public const int ConditionalTrajectories = 64;

    /// <summary>Registers up to this many qubits get their noisy conditionals from the exact density matrix.</summary>
    private const int DensityMatrixQubits = 6;

    /// <summary>The two-trajectory estimate of the noisy loss and its gradient (class summary).</summary>
    private SampleGradient EvaluateNoisy(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block)
    {
        var s = _scratch.Value!;
        var gradient = new double[block.Count];
        var rng = SplitMix64.For(Spec.Seed, step, sample, TrajectoryStream);
        var pb = new double[Data.Dimension];
        var wa = new double[Data.Dimension];
        double loss = 0;
        long evaluations = 0;
        foreach (var term in TermsOf(step, sample))
        {
            var circuit = Ansatz.Circuit(term.Xt, term.T);
            var a = DepolarizingTrajectory.Draw(circuit, Spec.Noise, rng);
            var b = DepolarizingTrajectory.Draw(circuit, Spec.Noise, rng);
            s.State.Reset();
            a.Run(s.State, parameters);
            MarginalInto(s.State, s.P);
            var forward = s.Workspace.State;
            forward.Reset();
            b.Run(forward, parameters);
            MarginalInto(forward, pb);
            // W = 2K(p_b - q) from b; the cross term is (p_a - q)·W/2, and each trajectory's weight is half the other's W
            Mmd.LossAndGradient(pb, term.Target, s.W, s.MmdScratch);
            Mmd.LossAndGradient(s.P, term.Target, wa, s.MmdScratch);
            for (int y = 0; y < s.P.Length; y++)
                loss += 0.5 * (s.P[y] - term.Target[y]) * s.W[y];
            for (int y = 0; y < wa.Length; y++)
            {
                wa[y] *= 0.5;
                s.W[y] *= 0.5;
            }
            LiftToRegister(wa, s.WFull);                        // b's weight, from a
            AddAdjoint(b, parameters, s, block, gradient);
            forward.Reset();
            a.Run(forward, parameters);
            LiftToRegister(s.W, s.WFull);                       // a's weight, from b
            AddAdjoint(a, parameters, s, block, gradient);
            evaluations += 2 + 2 * 2 + 1;
        }
        return new SampleGradient(sample, block, loss, gradient, evaluations);
    }

    /// <summary>Adds the block's derivatives of Σ WFull·|ψ|² for the circuit whose state is prepared in the workspace.</summary>
    private static void AddAdjoint(ParametricCircuit circuit, ReadOnlySpan<double> parameters, Scratch s, ParameterRange block, double[] gradient)
    {
        Array.Clear(s.Full);
        AdjointDifferentiation.GradientFromPreparedState(circuit, parameters, s.WFull, s.Full, s.Workspace);
        for (int i = 0; i < block.Count; i++) gradient[i] += s.Full[block.Start + i];
    }

    /// <summary>Parameter-shift derivatives of Σ w p for the gates bound to parameters in the block.</summary>
    private static long ShiftGradient(ParametricCircuit circuit, ReadOnlySpan<double> theta, ParameterRange block, Scratch s, double[] gradient)
    {
        long runs = 0;
        var ops = circuit.Operations;
        for (int k = 0; k < ops.Count; k++)
        {
            var op = ops[k];
            if (op.ParameterIndex < block.Start || op.ParameterIndex >= block.End) continue;
            var rule = ParameterShift.RuleFor(op.Kind);
            s.State.Reset();
            circuit.RunShifted(s.State, theta, k, rule.Shift);
            double plus = s.State.ExpectationDiagonal(s.WFull);
            s.State.Reset();
            circuit.RunShifted(s.State, theta, k, -rule.Shift);
            double minus = s.State.ExpectationDiagonal(s.WFull);
            gradient[op.ParameterIndex - block.Start] += op.Scale * rule.Coefficient * (plus - minus);
            runs += 2;
        }
        return runs;
    }

    /// <summary>Circuits of a shot-based item (see <see cref="ShotGradient"/>).</summary>
    public ShotPlan PlanShots(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block) =>
        ShotGradient.Plan(this, parameters, step, sample, block);

    public SampleGradient EstimateFromCounts(ShotPlan plan, IReadOnlyList<IReadOnlyDictionary<string, int>> baseCounts,
        IReadOnlyList<IReadOnlyDictionary<string, int>> shiftedCounts) =>
        ShotGradient.Estimate(this, plan, baseCounts, shiftedCounts);

    public double[] PairDeviations(ShotPlan plan, IReadOnlyList<IReadOnlyDictionary<string, int>> baseCounts,
        IReadOnlyList<IReadOnlyDictionary<string, int>> shiftedCounts) =>
        ShotGradient.PairDeviations(this, plan, baseCounts, shiftedCounts);

    /// <summary>
    /// p_θ(· | x_t, t): the data-qubit marginal of the denoiser's output state. Under noise, the channel's: exact from the
    /// density matrix up to <see cref="DensityMatrixQubits"/> qubits, else the mean of <see cref="ConditionalTrajectories"/>
    /// trajectories drawn from (seed, x_t, t), so a model file always gives the same distribution.
    /// </summary>
    public double[] Conditional(ReadOnlySpan<double> parameters, int xt, int t)
    {
        var s = _scratch.Value!;
        var circuit = Ansatz.Circuit(xt, t);
        if (Spec.Noise > 0)
            return NoisyConditional(circuit, parameters, xt, t, s);
        s.State.Reset();
        circuit.Run(s.State, parameters);
        var p = new double[Data.Dimension];
        MarginalInto(s.State, p);
        return p;
    }

    private double[] NoisyConditional(ParametricCircuit circuit, ReadOnlySpan<double> parameters, int xt, int t, Scratch s)
    {
        var p = new double[Data.Dimension];
        if (Ansatz.QubitCount <= DensityMatrixQubits)
        {
            var full = NoisySimulator.Probabilities(circuit.Bind(parameters), new NoiseModel(Spec.Noise, 0, 0), method: NoisyMethod.DensityMatrix);
            for (int x = 0; x < p.Length; x++) p[x] = full[x] + full[x + p.Length];
            return p;
        }
        var rng = SplitMix64.For(Spec.Seed, -2 - t, xt, TrajectoryStream);
        for (int r = 0; r < ConditionalTrajectories; r++)
        {
            s.State.Reset();
            DepolarizingTrajectory.Draw(circuit, Spec.Noise, rng).Run(s.State, parameters);
            MarginalInto(s.State, s.P);
            for (int x = 0; x < p.Length; x++) p[x] += s.P[x] / ConditionalTrajectories;
        }
        return p;
    }

    /// <summary>Traces out the ancilla (the top qubit): p[x] = |a_x|² + |a_{x + d}|².</summary>
    private static void MarginalInto(StateVector state, double[] p)
    {
        var a = state.Amplitudes;
        int d = p.Length;
        for (int x = 0; x < d; x++)
        {
            var lo = a[x];
            var hi = a[x + d];
            p[x] = lo.Real * lo.Real + lo.Imaginary * lo.Imaginary + hi.Real * hi.Real + hi.Imaginary * hi.Imaginary;
        }
    }

    private static void LiftToRegister(double[] w, double[] wFull)
    {
        w.AsSpan().CopyTo(wFull);
        w.AsSpan().CopyTo(wFull.AsSpan(w.Length));
    }

    /// <summary>Per-thread buffers: nothing is allocated per gate and little per item.</summary>
    private sealed class Scratch(DenoiserAnsatz ansatz)
    {
        public readonly StateVector State = new(ansatz.QubitCount, SimulatorOptions.Default with { Threads = 1 });
        public readonly AdjointWorkspace Workspace = new(ansatz.QubitCount);
        public readonly double[] P = new double[1 << ansatz.Bits];
        public readonly double[] W = new double[1 << ansatz.Bits];
        public readonly double[] MmdScratch = new double[1 << ansatz.Bits];
        public readonly double[] WFull = new double[1 << ansatz.QubitCount];
        public readonly double[] Full = new double[ansatz.ParameterCount];
    }
}
