namespace QD3PM.Core.Diffusion;

/// <summary>
/// The cosine noise schedule (Nichol and Dhariwal) of the depolarizing forward process:
/// abar_t = f(t)/f(0), f(t) = cos²(((t/T) + s)/(1 + s) · π/2); alpha_t = abar_t / abar_{t-1}. abar_T = 0 exactly, so
/// x_T is uniform noise.
/// </summary>
public sealed class CosineSchedule
{
    public const double DefaultOffset = 0.008;

    private readonly double[] _alphaBar;

    public CosineSchedule(int timeSteps, double offset = DefaultOffset)
    {
        if (timeSteps < 2) throw new ArgumentOutOfRangeException(nameof(timeSteps), "need at least 2 diffusion steps");
        TimeSteps = timeSteps;
        Offset = offset;
        _alphaBar = new double[timeSteps + 1];
        double f0 = F(0);
        for (int t = 0; t <= timeSteps; t++)
            _alphaBar[t] = Math.Clamp(F(t) / f0, 0, 1);
        _alphaBar[timeSteps] = 0;

        double F(int t)
        {
            double c = Math.Cos((t / (double)timeSteps + offset) / (1 + offset) * Math.PI / 2);
            return c * c;
        }
    }

    public int TimeSteps { get; }

    public double Offset { get; }

    /// <summary>abar_t: the weight of the data in rho_t = abar_t rho_0 + (1 - abar_t) I/d.</summary>
    public double AlphaBar(int t) => _alphaBar[t];

    /// <summary>alpha_t = abar_t / abar_{t-1}: the weight kept by one step t-1 -> t.</summary>
    public double Alpha(int t) => _alphaBar[t - 1] <= 0 ? 0 : _alphaBar[t] / _alphaBar[t - 1];

    public IReadOnlyList<double> AlphaBars => _alphaBar;
}
