using QD3PM.Core.Optimization;

namespace QD3PM.Core.Training;

/// <summary>
/// The one rule that ends a training step, whoever computed its items (the cluster's run actor, the in-process
/// <see cref="LocalTrainer"/> of `reproduce` and `bench train`): the results summed in the fixed order of
/// <see cref="StepAggregator"/> (sample ascending, block ascending), divided by the batch size, one step of the
/// problem's <see cref="Adam"/>. The step's loss is the mean over the batch of each sample's loss; that mean is the
/// loss every client, file and table shows.
/// </summary>
public static class StepRule
{
    public static TrainerState Apply(IGradientProblem problem, TrainerState state, StepAggregator results)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(results);
        if (results.Step != state.Step)
            throw new ArgumentException($"results of step {results.Step} cannot end step {state.Step}");
        var (gradientSum, lossSum) = results.Sum(problem.ParameterCount);
        int samples = results.Samples;
        int n = state.Parameters.Length;
        var mean = new double[n];
        for (int i = 0; i < n; i++)
            mean[i] = gradientSum[i] / samples;
        var theta = new double[n];
        var m = new double[n];
        var v = new double[n];
        problem.Optimizer.Step(state.Step, state.Parameters, state.FirstMoment, state.SecondMoment, mean, theta, m, v);
        return new TrainerState(state.Step + 1, theta, m, v, lossSum / samples);
    }
}
