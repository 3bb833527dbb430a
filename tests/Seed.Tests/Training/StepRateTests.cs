using QD3PM.Seed.Training;
using Xunit;

namespace QD3PM.Seed.Tests.Training;

/// <summary>The progress line's rate: the steps of the last seconds, not the average since the run started.</summary>
public sealed class StepRateTests
{
    [Fact]
    public void After_a_slow_start_the_rate_is_the_speed_of_the_last_window_not_the_average_since_the_start()
    {
        var rate = new StepRate();
        double last = 0;
        // 10 s of warm-up at 10 steps/s, then 10 s at 1,000 steps/s, a report every 0.25 s
        for (int i = 0; i <= 80; i++)
        {
            double t = i * 0.25;
            long step = t <= 10 ? (long)(10 * t) : 100 + (long)(1_000 * (t - 10));
            last = rate.Update(step, t);
        }
        Assert.Equal(1_000, last, 1e-9); // the average since the start would be 505
    }

    [Fact]
    public void Before_a_window_has_passed_the_rate_spans_every_report_so_far()
    {
        var rate = new StepRate();
        Assert.Equal(0, rate.Update(0, 0.0)); // one report: no rate yet
        Assert.Equal(50, rate.Update(50, 1.0), 1e-9);
        Assert.Equal(60, rate.Update(180, 3.0), 1e-9); // 180 steps in 3 s
    }
}
