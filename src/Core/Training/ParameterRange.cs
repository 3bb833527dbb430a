namespace QD3PM.Core.Training;

/// <summary>A half-open block [Start, End) of trainable parameter indices that one work item differentiates.</summary>
public readonly record struct ParameterRange(int Start, int End)
{
    public int Count => End - Start;

    public static ParameterRange All(int parameterCount) => new(0, parameterCount);

    /// <summary>Splits [0, parameterCount) into <paramref name="blocks"/> contiguous, nearly equal blocks.</summary>
    public static IReadOnlyList<ParameterRange> Split(int parameterCount, int blocks)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blocks);
        blocks = Math.Min(blocks, Math.Max(1, parameterCount));
        var result = new ParameterRange[blocks];
        int start = 0;
        for (int b = 0; b < blocks; b++)
        {
            int size = parameterCount / blocks + (b < parameterCount % blocks ? 1 : 0);
            result[b] = new ParameterRange(start, start + size);
            start += size;
        }
        return result;
    }
}
