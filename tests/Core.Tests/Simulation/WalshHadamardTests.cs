using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Simulation;

/// <summary>The fast transform against the dense definition W[k] = Σ_i (-1)^{popcount(i ∧ k)} v_i.</summary>
public sealed class WalshHadamardTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(8)]
    [InlineData(9)]
    public void Transform_matches_the_definition(int bits)
    {
        var rng = new Random(bits);
        var v = Enumerable.Range(0, 1 << bits).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var w = (double[])v.Clone();
        WalshHadamard.Transform(w);
        for (int k = 0; k < v.Length; k++)
        {
            double expected = 0;
            for (int i = 0; i < v.Length; i++)
                expected += (System.Numerics.BitOperations.PopCount((uint)(i & k)) & 1) == 0 ? v[i] : -v[i];
            Assert.True(Math.Abs(expected - w[k]) < 1e-12, $"W[{k}] = {w[k]}, expected {expected}");
        }
    }

    [Fact]
    public void Length_must_be_a_power_of_two() =>
        Assert.Throws<ArgumentException>(() => WalshHadamard.Transform(new double[6]));
}
