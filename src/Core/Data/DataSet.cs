namespace QD3PM.Core.Data;

/// <summary>
/// A distribution over N-bit strings. A string is stored as an int whose most significant of N bits is the
/// string's first bit, so bit i of the int is the string's bit N-1-i (and, in the denoiser, qubit i).
/// </summary>
public sealed class DataSet
{
    private readonly Func<int, bool>? _validity;

    public DataSet(string name, int bitCount, IReadOnlyList<int> samples, double[] targetDistribution, Func<int, bool>? validity = null)
    {
        if (bitCount is < 1 or > 20)
            throw new DataSetException($"{name}: {bitCount} bits is outside 1..20");
        if (targetDistribution.Length != 1 << bitCount)
            throw new ArgumentException("target distribution must have 2^bits entries", nameof(targetDistribution));
        if (samples.Count == 0)
            throw new DataSetException($"{name}: no samples");
        Name = name;
        BitCount = bitCount;
        Samples = samples;
        TargetDistribution = targetDistribution;
        _validity = validity;
    }

    public string Name { get; }

    public int BitCount { get; }

    public int Dimension => 1 << BitCount;

    /// <summary>The training samples x0.</summary>
    public IReadOnlyList<int> Samples { get; }

    /// <summary>The distribution KL is measured against (exact for bas/ghz/gaussian, empirical for files).</summary>
    public double[] TargetDistribution { get; }

    /// <summary>True when the data set defines valid patterns of its own (bars and stripes).</summary>
    public bool HasValidity => _validity is not null;

    /// <summary>A valid pattern: BAS's own rule, otherwise any string of positive target probability.</summary>
    public bool IsValid(int x) => _validity?.Invoke(x) ?? TargetDistribution[x] > 0;

    /// <summary>The bitstring of <paramref name="x"/>, first bit first.</summary>
    public string Format(int x) => FormatBits(x, BitCount);

    public static string FormatBits(int x, int bits)
    {
        var chars = new char[bits];
        for (int n = 0; n < bits; n++)
            chars[n] = ((x >> (bits - 1 - n)) & 1) == 1 ? '1' : '0';
        return new string(chars);
    }
}
