namespace QD3PM.Core.Training;

/// <summary>
/// The plain in-process training loop: every sample of a step evaluated (in parallel), summed in the fixed order
/// (sample ascending, block ascending), one optimizer step. The cluster produces bit-identical states; this loop is
/// the reference it is tested against, and what benchmarks and the reproduce suite use.
/// </summary>
public static class LocalTrainer
{
    public static TrainerState Step(IGradientProblem problem, TrainerState state, IReadOnlyList<ParameterRange> blocks,
        GradientMethod method, int maxParallelism = -1) => Step(problem, state, blocks, method, out _, maxParallelism);

    /// <summary>One step; <paramref name="circuitEvaluations"/> counts the circuit runs its items reported.</summary>
    public static TrainerState Step(IGradientProblem problem, TrainerState state, IReadOnlyList<ParameterRange> blocks,
        GradientMethod method, out long circuitEvaluations, int maxParallelism = -1)
    {
        int samples = problem.SamplesPerStep;
        var results = new SampleGradient[samples * blocks.Count];
        var parameters = state.Parameters;
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism },
            i => results[i] = problem.Evaluate(parameters, state.Step, i / blocks.Count, blocks[i % blocks.Count], method));
        var sum = new double[problem.ParameterCount];
        double loss = 0;
        circuitEvaluations = 0;
        for (int i = 0; i < results.Length; i++)
        {
            var r = results[i];
            circuitEvaluations += r.CircuitEvaluations;
            for (int k = 0; k < r.Gradient.Length; k++) sum[r.Block.Start + k] += r.Gradient[k];
            if (i % blocks.Count == 0) loss += r.Loss;
        }
        return problem.ApplyStep(state, sum, loss);
    }

    public static TrainerState Train(IGradientProblem problem, long steps, GradientMethod method, Action<TrainerState>? progress = null)
    {
        var state = problem.InitialState();
        var all = new[] { ParameterRange.All(problem.ParameterCount) };
        while (state.Step < steps)
        {
            state = Step(problem, state, all, method);
            progress?.Invoke(state);
        }
        return state;
    }
}
