using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using Xunit;

namespace QD3PM.Core.Tests.Data;

public sealed class DataSetsTests
{
    [Theory]
    [InlineData("bas:2x2", 4, 6)]
    [InlineData("bas:3x3", 9, 14)]
    [InlineData("bas:2x3", 6, 10)]
    public void Bars_and_stripes_have_the_known_pattern_counts(string spec, int bits, int patterns)
    {
        var data = DataSets.Parse(spec);
        Assert.Equal(bits, data.BitCount);
        Assert.Equal(patterns, data.Samples.Count);
        Assert.Equal(patterns, data.TargetDistribution.Count(p => p > 0));
        Assert.Equal(1.0, data.TargetDistribution.Sum(), 12);
        Assert.True(data.IsValid(0) && data.IsValid((1 << bits) - 1));
    }

    [Fact]
    public void Bas_2x2_patterns_are_rows_or_columns_first_bit_most_significant()
    {
        var data = DataSets.Parse("bas:2x2");
        var strings = data.Samples.Select(data.Format).OrderBy(s => s).ToArray();
        Assert.Equal(new[] { "0000", "0011", "0101", "1010", "1100", "1111" }, strings);
        Assert.False(data.IsValid(0b1000));
    }

    [Theory]
    [InlineData("bas:2x2", 0.98082925301172)] // 4 ln 2 - ln 6
    [InlineData("bas:3x3", 3.5993)]
    public void Total_correlation_is_the_factorised_lower_bound_of_the_issue(string spec, double expected)
    {
        var data = DataSets.Parse(spec);
        Assert.Equal(expected, Divergence.TotalCorrelation(data.TargetDistribution, data.BitCount), 4);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(7)]
    public void Ghz_total_correlation_grows_linearly(int n)
    {
        var data = DataSets.Parse($"ghz:{n}");
        Assert.Equal((n - 1) * Math.Log(2), Divergence.TotalCorrelation(data.TargetDistribution, n), 10);
    }

    [Fact]
    public void Gaussian_is_bimodal_with_1000_samples()
    {
        var data = DataSets.Parse("gaussian:6", seed: 3);
        Assert.Equal(1000, data.Samples.Count);
        var p = data.TargetDistribution;
        Assert.Equal(1.0, p.Sum(), 12);
        int m1 = (int)Math.Round(2 * 64 / 7.0), m2 = (int)Math.Round(5 * 64 / 7.0);
        Assert.True(p[m1] > 1.8 * p[32] && p[m2] > 1.8 * p[32], "two modes above the valley between them");
        Assert.Equal(DataSets.Parse("gaussian:6", seed: 3).Samples, data.Samples);
    }

    [Theory]
    [InlineData("bas:9x9")]
    [InlineData("bas:2")]
    [InlineData("gaussian:x")]
    [InlineData("moons:4")]
    [InlineData("bas")]
    public void Bad_specs_are_refused_with_the_spec_in_the_message(string spec)
    {
        var ex = Assert.Throws<DataSetException>(() => DataSets.Parse(spec));
        Assert.Contains(spec.Split(':')[0], ex.Message);
    }

    [Fact]
    public void File_errors_name_the_line_and_column()
    {
        var ex = Assert.Throws<DataSetException>(() => BitstringFile.Parse("d.txt", ["# comment", "0101", "01x1"]));
        Assert.Equal("d.txt:3:3: 'x' is not a bit (only 0 and 1)", ex.Message);
        ex = Assert.Throws<DataSetException>(() => BitstringFile.Parse("d.txt", ["0101", "", "011"]));
        Assert.Equal("d.txt:3: expected 4 bits, got 3", ex.Message);
        Assert.Throws<DataSetException>(() => BitstringFile.Parse("d.txt", ["# only a comment"]));
    }

    [Fact]
    public void File_gives_the_empirical_distribution()
    {
        var data = BitstringFile.Parse("d.txt", ["110", "110", "001", "111"]);
        Assert.Equal(3, data.BitCount);
        Assert.Equal(0.5, data.TargetDistribution[0b110]);
        Assert.Equal(0.25, data.TargetDistribution[0b001]);
        Assert.False(data.IsValid(0b000));
    }
}
