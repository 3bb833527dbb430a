using QD3PM.Core.Training;

namespace QD3PM.Core.Diffusion;

/// <summary>
/// Draws the time step t in 2..T of a multi-step loss term (<see cref="TimeSampling"/>). Uniform draws one integer, as
/// the loss always did, so runs of earlier versions repeat bit for bit; signal draws one uniform number and inverts the
/// cumulative distribution P(t) ∝ abar_{t-1}².
/// </summary>
public sealed class TimeStepSampler
{
    private readonly int _timeSteps;
    private readonly double[]? _cumulative;

    public TimeStepSampler(CosineSchedule schedule, TimeSampling sampling)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        _timeSteps = schedule.TimeSteps;
        Sampling = sampling;
        if (sampling == TimeSampling.Uniform) return;
        var weights = new double[_timeSteps + 1];
        for (int t = 2; t <= _timeSteps; t++) weights[t] = schedule.AlphaBar(t - 1) * schedule.AlphaBar(t - 1);
        double total = weights.Sum(), running = 0;
        _cumulative = new double[_timeSteps + 1];
        for (int t = 0; t <= _timeSteps; t++)
        {
            running += weights[t];
            _cumulative[t] = running / total;
        }
    }

    public TimeSampling Sampling { get; }

    /// <summary>P(t) for t in 2..T (0 elsewhere).</summary>
    public double Probability(int t) => t < 2 || t > _timeSteps ? 0
        : _cumulative is null ? 1.0 / (_timeSteps - 1) : _cumulative[t] - _cumulative[t - 1];

    public int Draw(SplitMix64 rng)
    {
        if (_cumulative is null) return 2 + rng.NextInt(_timeSteps - 1);
        double u = rng.NextDouble();
        for (int t = 2; t < _timeSteps; t++)
            if (u < _cumulative[t]) return t;
        return _timeSteps;
    }
}
