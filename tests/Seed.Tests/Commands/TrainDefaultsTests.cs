using QD3PM.Core.Training;
using QD3PM.Seed.Commands;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

public sealed class TrainDefaultsTests
{
    [Theory]
    [InlineData("bas:3x3", DiffusionMode.SingleStep, 12_000)]
    [InlineData("bas:4x4", DiffusionMode.SingleStep, 12_000)]
    [InlineData("ghz:9", DiffusionMode.SingleStep, 12_000)]
    [InlineData("bas:2x2", DiffusionMode.SingleStep, 6000)]
    [InlineData("ghz:8", DiffusionMode.SingleStep, 6000)]
    [InlineData("bas:3x3", DiffusionMode.MultiStep, 6000)]
    [InlineData("bas:9x9", DiffusionMode.SingleStep, 6000)] // does not parse: the plain default, validation reports it
    [InlineData("file:/no/such/file", DiffusionMode.SingleStep, 6000)]
    public void Single_step_runs_on_nine_or_more_bits_get_the_longer_default(string dataset, DiffusionMode mode, int expected) =>
        Assert.Equal(expected, TrainDefaults.StepsFor(mode, dataset, seed: 1));

    [Fact]
    public void The_plain_default_is_the_specs_own_and_the_learning_rate_depends_on_the_mode()
    {
        Assert.Equal(new TrainingSpec().Steps, TrainDefaults.Steps);
        Assert.Equal(1e-2, TrainDefaults.LearningRate(DiffusionMode.SingleStep));
        Assert.Equal(1e-3, TrainDefaults.LearningRate(DiffusionMode.MultiStep));
    }
}
