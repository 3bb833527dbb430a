namespace QD3PM.Core.Optimization;

/// <summary>Adam (Kingma and Ba) with a cosine learning-rate decay from the initial to the final rate.</summary>
public sealed record Adam(double LearningRate, double FinalLearningRate, long TotalSteps,
    double Beta1 = 0.9, double Beta2 = 0.999, double Epsilon = 1e-8)
{
    /// <summary>lr(s) = final + (initial - final)(1 + cos(π s / S))/2 for the 0-based step s.</summary>
    public double RateAt(long step)
    {
        double progress = TotalSteps <= 0 ? 1 : Math.Min(1.0, (double)step / TotalSteps);
        return FinalLearningRate + 0.5 * (LearningRate - FinalLearningRate) * (1 + Math.Cos(Math.PI * progress));
    }

    /// <summary>
    /// One update of step <paramref name="step"/> (0-based): writes new parameters and moments into the outputs
    /// (which may alias the inputs).
    /// </summary>
    public void Step(long step, ReadOnlySpan<double> parameters, ReadOnlySpan<double> m, ReadOnlySpan<double> v,
        ReadOnlySpan<double> gradient, Span<double> newParameters, Span<double> newM, Span<double> newV)
    {
        double lr = RateAt(step);
        double c1 = 1 - Math.Pow(Beta1, step + 1), c2 = 1 - Math.Pow(Beta2, step + 1);
        for (int i = 0; i < parameters.Length; i++)
        {
            double g = gradient[i];
            double mi = Beta1 * m[i] + (1 - Beta1) * g;
            double vi = Beta2 * v[i] + (1 - Beta2) * g * g;
            newM[i] = mi;
            newV[i] = vi;
            newParameters[i] = parameters[i] - lr * (mi / c1) / (Math.Sqrt(vi / c2) + Epsilon);
        }
    }
}
