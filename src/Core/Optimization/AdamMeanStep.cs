using QD3PM.Core.Training;

namespace QD3PM.Core.Optimization;

/// <summary>The optimizer step every model shares: Adam on the mean of the summed per-sample gradients.</summary>
public static class AdamMeanStep
{
    public static TrainerState Apply(Adam optimizer, TrainerState state, ReadOnlySpan<double> gradientSum, double lossSum, int samples)
    {
        int n = state.Parameters.Length;
        var mean = new double[n];
        for (int i = 0; i < n; i++) mean[i] = gradientSum[i] / samples;
        var theta = new double[n];
        var m = new double[n];
        var v = new double[n];
        optimizer.Step(state.Step, state.Parameters, state.FirstMoment, state.SecondMoment, mean, theta, m, v);
        return new TrainerState(state.Step + 1, theta, m, v, lossSum / samples);
    }
}
