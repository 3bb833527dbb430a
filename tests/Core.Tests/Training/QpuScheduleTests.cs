using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

/// <summary>Which steps a --qpu-schedule sends to the QPU.</summary>
public sealed class QpuScheduleTests
{
    private static readonly TrainingSpec Run = new() { Steps = 10, BackendPolicy = BackendPolicy.QpuOnly };

    private static string Steps(TrainingSpec spec) =>
        string.Concat(Enumerable.Range(0, spec.Steps).Select(s => QpuSchedule.PolicyFor(spec, s) == BackendPolicy.SimOnly ? 's' : 'Q'));

    [Theory]
    [InlineData(null, "QQQQQQQQQQ")]
    [InlineData("last:3", "sssssssQQQ")]
    [InlineData("first:2", "QQssssssss")]
    [InlineData("every:4", "sssQsssQss")]
    [InlineData("last:20", "QQQQQQQQQQ")]
    public void Scheduled_steps_keep_the_runs_policy_and_the_rest_are_sim_only(string? schedule, string expected)
    {
        Assert.Equal(expected, Steps(Run with { QpuSchedule = schedule }));
        int onQpu = expected.LastIndexOf('Q');
        Assert.Equal(BackendPolicy.Mixed, QpuSchedule.PolicyFor(Run with { QpuSchedule = schedule, BackendPolicy = BackendPolicy.Mixed }, onQpu));
    }

    [Theory]
    [InlineData("last")]
    [InlineData("last:0")]
    [InlineData("sometimes:3")]
    [InlineData("every:-1")]
    public void A_bad_schedule_is_an_invalid_spec(string schedule)
    {
        var ex = Assert.Throws<InvalidSpecException>(() => (Run with { QpuSchedule = schedule }).Validate());
        Assert.Contains("QPU schedule", ex.Message);
    }
}
