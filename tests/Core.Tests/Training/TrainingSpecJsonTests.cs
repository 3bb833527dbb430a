using QD3PM.Core.Diffusion;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

/// <summary>The spec's one JSON form: names users read, old files still readable, one error type for bad input.</summary>
public sealed class TrainingSpecJsonTests
{
    [Fact]
    public void A_spec_round_trips_with_kebab_case_names()
    {
        var spec = new TrainingSpec
        {
            Dataset = "bas:3x3", Layers = 4, Steps = 12, Seed = 99, Gradient = GradientMethod.Shift, LearningRate = 0.01,
            Mode = DiffusionMode.SingleStep, Entangler = Entangler.AllToAll, BackendPolicy = BackendPolicy.QpuOnly, ShotPolicy = ShotPolicy.Adaptive,
        };
        var json = TrainingSpecJson.Serialize(spec);
        Assert.Contains("\"gradient\":\"shift\"", json);
        Assert.Contains("\"mode\":\"single-step\"", json);
        Assert.Contains("\"entangler\":\"all-to-all\"", json);
        Assert.Contains("\"backendPolicy\":\"qpu-only\"", json);
        Assert.Contains("\"shotPolicy\":\"adaptive\"", json);
        Assert.Equal(spec, TrainingSpecJson.Deserialize(json));
    }

    [Fact]
    public void Default_policies_are_left_out_so_older_specs_keep_their_text()
    {
        var json = TrainingSpecJson.Serialize(new TrainingSpec());
        Assert.DoesNotContain("backendPolicy", json);
        Assert.DoesNotContain("shotPolicy", json);
        Assert.DoesNotContain("evalEvery", json);
    }

    [Fact]
    public void A_spec_written_by_an_earlier_version_reads_back_as_the_same_run()
    {
        // spec.json as `qd3pm train` wrote it before the spec was typed: evalEvery (a reporting setting) was part of it.
        const string old = """
            {"dataset":"bas:2x2","model":"qd3pm","mode":"multi-step","entangler":"all-to-all","layers":1,"timeSteps":4,"steps":20000,
             "batch":2,"learningRate":0.001,"finalLearningRate":0.0001,"seed":1,"gradient":"adjoint","shots":0,"evalEvery":50}
            """;
        var spec = TrainingSpecJson.Deserialize(old);
        Assert.Equal(new TrainingSpec
        {
            Dataset = "bas:2x2", Layers = 1, TimeSteps = 4, Steps = 20000, Batch = 2, LearningRate = 0.001, FinalLearningRate = 0.0001, Seed = 1,
        }, spec);
        Assert.Equal(spec, TrainingSpecJson.Deserialize(old.Replace("\"evalEvery\":50", "\"evalEvery\":500", StringComparison.Ordinal)));
        Assert.Equal(BackendPolicy.Mixed, TrainingSpecJson.Deserialize("""{"backendPolicy":"mixed"}""").BackendPolicy);
    }

    [Theory]
    [InlineData("{not json", "not a JSON object")]
    [InlineData("""{"mode":"sideways"}""", "mode: not one of multi-step, single-step")]
    [InlineData("""{"layers":"many"}""", "layers: not a valid value")]
    [InlineData("""{"gradient":0}""", "gradient: not one of adjoint, shift")]
    [InlineData("null", "empty")]
    public void Bad_json_is_an_invalid_spec_with_one_line(string json, string reason)
    {
        var ex = Assert.Throws<InvalidSpecException>(() => TrainingSpecJson.Deserialize(json));
        Assert.StartsWith(InvalidSpecException.Prefix, ex.Message);
        Assert.Contains(reason, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }

    [Theory]
    [InlineData(0, 30, 1, 1e-3, "steps must be at least 1")]
    [InlineData(10, 1, 1, 1e-3, "timesteps must be at least 2")]
    [InlineData(10, 30, 0, 1e-3, "batch must be at least 1")]
    [InlineData(10, 30, 1, double.PositiveInfinity, "learning rate must be a positive number")]
    [InlineData(10, 30, 1, -1, "learning rate must be a positive number")]
    public void Validate_names_the_broken_rule(int steps, int timeSteps, int batch, double lr, string reason)
    {
        var spec = new TrainingSpec { Steps = steps, TimeSteps = timeSteps, Batch = batch, LearningRate = lr };
        Assert.Contains(reason, Assert.Throws<InvalidSpecException>(() => spec.Validate()).Message);
    }
}
