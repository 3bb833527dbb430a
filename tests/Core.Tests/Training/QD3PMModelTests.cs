using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

public sealed class QD3PMModelTests
{
    private static QD3PMModel Model(string mode)
    {
        var spec = new TrainingSpec { Dataset = "bas:2x2", Layers = 2, Mode = SpecNames.Parse<DiffusionMode>(mode, "mode"), Seed = 4, TimeSteps = 6 };
        var data = DataSets.Parse(spec.Dataset);
        var problem = new QD3PMProblem(spec, data);
        var theta = problem.InitialState().Parameters.Select((x, i) => x + Math.Sin(i)).ToArray();
        return new QD3PMModel(spec, data, theta);
    }

    [Theory]
    [InlineData("multi-step")]
    [InlineData("single-step")]
    public void Samples_follow_the_exact_distribution(string mode)
    {
        var model = Model(mode);
        var exact = model.ExactDistribution()!;
        Assert.Equal(1.0, exact.Sum(), 10);
        var samples = model.Sample(40000, new Random(1));
        var histogram = Divergence.Histogram(exact.Length, samples);
        for (int x = 0; x < exact.Length; x++)
            Assert.InRange(histogram[x], exact[x] - 0.012, exact[x] + 0.012);
    }

    [Theory]
    [InlineData("multi-step")]
    [InlineData("single-step")]
    public void Inpainting_keeps_the_known_bits(string mode)
    {
        var model = Model(mode);
        foreach (int x in model.Inpaint("1?0?", 200, new Random(2)))
        {
            Assert.Equal(1, x >> 3 & 1);
            Assert.Equal(0, x >> 1 & 1);
        }
        Assert.Throws<ArgumentException>(() => model.Inpaint("1?0", 1, new Random(2)));
        Assert.Throws<ArgumentException>(() => model.Inpaint("1?0x", 1, new Random(2)));
    }

    [Fact]
    public void Models_too_big_to_cache_sample_their_distribution_deterministically()
    {
        // 11 data bits: above the cache limit, so every sampling call runs each distinct input once and keeps nothing.
        var spec = new TrainingSpec { Dataset = "ghz:11", Layers = 1, Mode = DiffusionMode.SingleStep, Seed = 2, TimeSteps = 4 };
        var data = DataSets.Parse(spec.Dataset);
        var problem = new QD3PMProblem(spec, data);
        var theta = problem.InitialState().Parameters.Select((x, i) => x + 0.4 * Math.Cos(i)).ToArray();
        var model = new QD3PMModel(problem, theta);
        Assert.True(model.BitCount > QD3PMModel.CacheLimitBits);

        // Single-step: p(x0) is the mean of p(x0 | x_T) over the uniform x_T.
        int d = data.Dimension;
        var exact = new double[d];
        for (int xt = 0; xt < d; xt++)
        {
            var row = problem.Conditional(theta, xt, spec.TimeSteps);
            for (int y = 0; y < d; y++) exact[y] += row[y] / d;
        }
        var samples = model.Sample(30000, new Random(5));
        Assert.Equal(samples, model.Sample(30000, new Random(5)));
        var histogram = Divergence.Histogram(d, samples);
        foreach (int x in Enumerable.Range(0, d).OrderByDescending(x => exact[x]).Take(8))
            Assert.InRange(histogram[x], exact[x] - 0.01, exact[x] + 0.01);
    }

    [Fact]
    public void Wrong_parameter_count_is_refused()
    {
        var spec = new TrainingSpec { Dataset = "bas:2x2", Layers = 2 };
        Assert.Throws<ArgumentException>(() => new QD3PMModel(spec, DataSets.Parse(spec.Dataset), new double[3]));
    }
}
