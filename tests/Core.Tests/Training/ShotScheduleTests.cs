using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

/// <summary>The shot schedule (`--final-shots`, docs/qpu.md section 4): which shots a step gets and that the estimators use them.</summary>
public sealed class ShotScheduleTests
{
    private static readonly TrainingSpec Ramp = new()
    {
        Dataset = "bas:2x2", Mode = DiffusionMode.SingleStep, Layers = 2, Steps = 101, Batch = 4, Seed = 5,
        Gradient = GradientMethod.Spsa, Shots = 20, FinalShots = 320,
    };

    [Fact]
    public void Without_final_shots_every_step_gets_the_shots()
    {
        var spec = Ramp with { FinalShots = null };
        foreach (long step in new long[] { 0, 1, 50, 100, 1000 })
            Assert.Equal(20, ShotSchedule.At(spec, step));
        Assert.Equal(0, ShotSchedule.At(spec with { Shots = 0 }, 7));
    }

    [Fact]
    public void Shots_ramp_geometrically_from_the_first_to_the_last_step()
    {
        Assert.Equal(20, ShotSchedule.At(Ramp, 0));
        Assert.Equal(40, ShotSchedule.At(Ramp, 25)); // 20·16^(1/4)
        Assert.Equal(80, ShotSchedule.At(Ramp, 50));
        Assert.Equal(320, ShotSchedule.At(Ramp, 100));
        Assert.Equal(320, ShotSchedule.At(Ramp, 400)); // past the last step (a resumed, extended run) it stays there
        for (long step = 1; step < 101; step++)
            Assert.True(ShotSchedule.At(Ramp, step) >= ShotSchedule.At(Ramp, step - 1), $"step {step} got fewer shots than step {step - 1}");
        var down = Ramp with { Shots = 320, FinalShots = 20 };
        Assert.Equal(20, ShotSchedule.At(down, 100));
        Assert.Equal(80, ShotSchedule.At(down, 50));
    }

    [Fact]
    public void A_schedule_needs_shots_and_round_trips_through_the_spec_json()
    {
        Assert.Throws<InvalidSpecException>(() => (Ramp with { Shots = 0 }).Validate());
        Assert.Throws<InvalidSpecException>(() => (Ramp with { FinalShots = 0 }).Validate());
        Ramp.Validate();
        string json = TrainingSpecJson.Serialize(Ramp);
        Assert.Contains("\"finalShots\":320", json);
        Assert.Equal(Ramp, TrainingSpecJson.Deserialize(json));
        Assert.DoesNotContain("finalShots", TrainingSpecJson.Serialize(Ramp with { FinalShots = null }));
    }

    [Theory]
    [InlineData(GradientMethod.Spsa)]
    [InlineData(GradientMethod.ShiftSubset)]
    public void The_estimators_sample_the_step_s_shots(GradientMethod method)
    {
        // A scheduled run's step k samples exactly like a constant run with that step's shots (the same seeded counts),
        // and unlike a constant run with the first step's shots.
        var spec = Ramp with { Gradient = method };
        var problem = (QD3PMProblem)ProblemCatalog.Paper.Build(spec);
        var theta = problem.InitialState().Parameters;
        var all = ParameterRange.All(problem.ParameterCount);
        const long step = 100;
        var scheduled = problem.Evaluate(theta, step, 1, all, method);
        var atLast = ((QD3PMProblem)ProblemCatalog.Paper.Build(spec with { Shots = 320, FinalShots = null })).Evaluate(theta, step, 1, all, method);
        var atFirst = ((QD3PMProblem)ProblemCatalog.Paper.Build(spec with { FinalShots = null })).Evaluate(theta, step, 1, all, method);
        Assert.Equal(atLast.Gradient, scheduled.Gradient);
        Assert.Equal(atLast.Loss, scheduled.Loss);
        Assert.NotEqual(atFirst.Gradient, scheduled.Gradient);
    }
}
