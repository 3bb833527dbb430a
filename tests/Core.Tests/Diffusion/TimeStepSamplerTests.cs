using QD3PM.Core.Diffusion;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Diffusion;

public sealed class TimeStepSamplerTests
{
    private static readonly CosineSchedule Schedule = new(30);

    [Fact]
    public void Uniform_draws_the_integer_the_loss_always_drew()
    {
        var sampler = new TimeStepSampler(Schedule, TimeSampling.Uniform);
        var rng = SplitMix64.For(4, 9, 2);
        var twin = SplitMix64.For(4, 9, 2);
        for (int i = 0; i < 1000; i++) Assert.Equal(2 + twin.NextInt(29), sampler.Draw(rng));
        Assert.Equal(1.0 / 29, sampler.Probability(17), 15);
        Assert.Equal(0, sampler.Probability(1));
    }

    [Fact]
    public void Signal_draws_t_in_proportion_to_the_squared_data_weight_of_x_t_minus_1()
    {
        var sampler = new TimeStepSampler(Schedule, TimeSampling.Signal);
        double total = Enumerable.Range(2, 29).Sum(t => Math.Pow(Schedule.AlphaBar(t - 1), 2));
        for (int t = 2; t <= 30; t++) Assert.Equal(Math.Pow(Schedule.AlphaBar(t - 1), 2) / total, sampler.Probability(t), 12);
        Assert.Equal(1, Enumerable.Range(0, 32).Sum(sampler.Probability), 12);

        const int draws = 200_000;
        var counts = new int[31];
        var rng = SplitMix64.For(1, 0, 0);
        for (int i = 0; i < draws; i++) counts[sampler.Draw(rng)]++;
        Assert.Equal(0, counts[0] + counts[1]);
        for (int t = 2; t <= 30; t++)
            Assert.InRange(counts[t] / (double)draws, sampler.Probability(t) - 0.004, sampler.Probability(t) + 0.004);
        Assert.True(counts[2] > 20 * Math.Max(1, counts[30]), "the noisiest step is drawn rarely");
    }
}
