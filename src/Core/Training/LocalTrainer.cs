namespace QD3PM.Core.Training;

/// <summary>
/// The in-process training loop of `reproduce` and `bench train`: every item of a step evaluated in parallel on this
/// machine, then the same <see cref="StepAggregator"/> and <see cref="StepRule"/> the cluster's run actor uses, so
/// both produce bit-identical states.
/// </summary>
public static class LocalTrainer
{
    public static TrainerState Step(IGradientProblem problem, TrainerState state, IReadOnlyList<ParameterRange> blocks,
        GradientMethod method, int maxParallelism = -1) => Step(problem, state, blocks, method, out _, maxParallelism);

    /// <summary>One step; <paramref name="circuitEvaluations"/> counts the circuit runs its items reported.</summary>
    public static TrainerState Step(IGradientProblem problem, TrainerState state, IReadOnlyList<ParameterRange> blocks,
        GradientMethod method, out long circuitEvaluations, int maxParallelism = -1)
    {
        var results = new SampleGradient[problem.SamplesPerStep * blocks.Count];
        var parameters = state.Parameters;
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = maxParallelism },
            i => results[i] = problem.Evaluate(parameters, state.Step, i / blocks.Count, blocks[i % blocks.Count], method));
        var aggregator = new StepAggregator(state.Step, problem.SamplesPerStep, blocks);
        for (int i = 0; i < results.Length; i++)
            aggregator.Add(i / blocks.Count, i % blocks.Count, results[i]);
        circuitEvaluations = aggregator.CircuitEvaluations;
        return StepRule.Apply(problem, state, aggregator);
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
