namespace QD3PM.Core.Baselines;

/// <summary>
/// A denoiser whose output is factorised: for input (x_t, t) it gives, for every bit n independently,
/// p_n = p(x_{t-1}[n] = 1 | x_t, t). Bit n of the integer x is bit N-1-n of the string (as in the data sets).
/// </summary>
public interface IBitwiseDenoiser
{
    int Bits { get; }

    int ParameterCount { get; }

    /// <summary>Initial parameters drawn from <paramref name="gaussian"/> (standard normal draws).</summary>
    double[] InitialParameters(Func<double> gaussian);

    /// <summary>Writes p_n for every bit into <paramref name="ones"/>. Thread-safe.</summary>
    void Forward(ReadOnlySpan<double> parameters, int xt, int t, Span<double> ones);

    /// <summary>
    /// Adds Σ_n dL/dp_n · dp_n/dθ into <paramref name="gradient"/> (length ParameterCount), given dL/dp_n in
    /// <paramref name="lossByOne"/>. Thread-safe.
    /// </summary>
    void Backward(ReadOnlySpan<double> parameters, int xt, int t, ReadOnlySpan<double> lossByOne, Span<double> gradient);
}
