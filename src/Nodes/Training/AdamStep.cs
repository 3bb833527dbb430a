using QD3PM.Core.Training;

namespace QD3PM.Nodes.Training;

/// <summary>Plain Adam on the mean gradient, for the cluster's stand-in workloads (the QD3PM model has its own schedule).</summary>
internal static class AdamStep
{
    public static TrainerState Apply(TrainerState state, ReadOnlySpan<double> gradientSum, double lossSum, int samples, double learningRate)
    {
        const double beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8;
        long t = state.Step + 1;
        var p = (double[])state.Parameters.Clone();
        var m = (double[])state.FirstMoment.Clone();
        var v = (double[])state.SecondMoment.Clone();
        for (int i = 0; i < p.Length; i++)
        {
            double g = gradientSum[i] / samples;
            m[i] = beta1 * m[i] + (1 - beta1) * g;
            v[i] = beta2 * v[i] + (1 - beta2) * g * g;
            double mHat = m[i] / (1 - Math.Pow(beta1, t));
            double vHat = v[i] / (1 - Math.Pow(beta2, t));
            p[i] -= learningRate * mHat / (Math.Sqrt(vHat) + epsilon);
        }
        return new TrainerState(t, p, m, v, lossSum / samples);
    }
}
