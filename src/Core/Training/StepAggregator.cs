namespace QD3PM.Core.Training;

/// <summary>
/// Collects the results of one step's work items (any arrival order, duplicates ignored) and sums them in the fixed
/// order of the determinism contract: sample ascending, then block ascending. The loss of a sample is taken from its
/// first block (every block reports the same sample loss). <see cref="StepRule"/> turns the sums into the next state.
/// </summary>
public sealed class StepAggregator
{
    private readonly IReadOnlyList<ParameterRange> _blocks;
    private readonly SampleGradient?[,] _results;
    private int _received;

    public StepAggregator(long step, int samples, IReadOnlyList<ParameterRange> blocks)
    {
        Step = step;
        _blocks = blocks;
        _results = new SampleGradient?[samples, blocks.Count];
    }

    public long Step { get; }
    public int Samples => _results.GetLength(0);
    public int Blocks => _blocks.Count;
    public int Expected => Samples * Blocks;
    public int Missing => Expected - _received;
    public bool IsComplete => _received == Expected;
    public long CircuitEvaluations { get; private set; }

    /// <summary>Adds a result; false when it is a duplicate (already have this sample/block) and was ignored.</summary>
    public bool Add(int sample, int block, SampleGradient result)
    {
        if (sample < 0 || sample >= Samples || block < 0 || block >= Blocks)
            throw new ArgumentOutOfRangeException(nameof(sample), $"item ({sample}, {block}) is outside step {Step}'s {Samples} x {Blocks} items");
        if (result.Gradient.Length != _blocks[block].Count)
            throw new ArgumentException($"item ({sample}, {block}) returned {result.Gradient.Length} gradient entries for a block of {_blocks[block].Count}");
        if (_results[sample, block] is not null)
            return false;
        _results[sample, block] = result;
        _received++;
        CircuitEvaluations += result.CircuitEvaluations;
        return true;
    }

    /// <summary>The gradient sum over all samples and the loss sum, in the contract's fixed order.</summary>
    public (double[] GradientSum, double LossSum) Sum(int parameterCount)
    {
        if (!IsComplete)
            throw new InvalidOperationException($"step {Step} still misses {Missing} items");
        var sum = new double[parameterCount];
        double lossSum = 0;
        for (int s = 0; s < Samples; s++)
        {
            for (int b = 0; b < Blocks; b++)
            {
                var r = _results[s, b]!;
                var start = _blocks[b].Start;
                for (int i = 0; i < r.Gradient.Length; i++)
                    sum[start + i] += r.Gradient[i];
                if (b == 0)
                    lossSum += r.Loss;
            }
        }
        return (sum, lossSum);
    }
}
