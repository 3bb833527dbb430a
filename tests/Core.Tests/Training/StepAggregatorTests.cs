using QD3PM.Core.Training;
using Xunit;

namespace QD3PM.Core.Tests.Training;

public sealed class StepAggregatorTests
{
    [Fact]
    public void Sum_is_independent_of_arrival_order_bit_for_bit()
    {
        var blocks = ParameterRange.Split(5, 2);
        var rng = new Random(3);
        var results = new List<(int S, int B, SampleGradient G)>();
        for (int s = 0; s < 7; s++)
        {
            double loss = rng.NextDouble();
            for (int b = 0; b < blocks.Count; b++)
                results.Add((s, b, new SampleGradient(s, blocks[b], loss, Enumerable.Range(0, blocks[b].Count).Select(_ => rng.NextDouble() * 1e3 - 1e-3).ToArray(), 3)));
        }

        var inOrder = new StepAggregator(0, 7, blocks);
        foreach (var r in results) inOrder.Add(r.S, r.B, r.G);
        var shuffled = new StepAggregator(0, 7, blocks);
        foreach (var r in results.OrderBy(_ => rng.Next())) shuffled.Add(r.S, r.B, r.G);

        var (a, lossA) = inOrder.Sum(5);
        var (b2, lossB) = shuffled.Sum(5);
        Assert.Equal(a.Select(BitConverter.DoubleToInt64Bits), b2.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(BitConverter.DoubleToInt64Bits(lossA), BitConverter.DoubleToInt64Bits(lossB));

        // reference: plain loop, sample ascending then block ascending
        var expected = new double[5];
        double expectedLoss = 0;
        foreach (var r in results)
        {
            for (int i = 0; i < r.G.Gradient.Length; i++) expected[r.G.Block.Start + i] += r.G.Gradient[i];
            if (r.B == 0) expectedLoss += r.G.Loss;
        }
        Assert.Equal(expected, a);
        Assert.Equal(expectedLoss, lossA);
        Assert.Equal(42, inOrder.CircuitEvaluations);
    }

    [Fact]
    public void Duplicates_are_ignored_and_incomplete_steps_refuse_to_sum()
    {
        var blocks = ParameterRange.Split(2, 1);
        var agg = new StepAggregator(4, 2, blocks);
        Assert.True(agg.Add(0, 0, new SampleGradient(0, blocks[0], 1, [1, 2], 1)));
        Assert.False(agg.Add(0, 0, new SampleGradient(0, blocks[0], 9, [9, 9], 1)));
        Assert.Equal(1, agg.Missing);
        Assert.Throws<InvalidOperationException>(() => agg.Sum(2));
        Assert.Throws<ArgumentException>(() => agg.Add(1, 0, new SampleGradient(1, blocks[0], 1, [1], 1)));
    }
}
