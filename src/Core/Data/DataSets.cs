using System.Globalization;
using MathNet.Numerics.Distributions;

namespace QD3PM.Core.Data;

/// <summary>Builds a <see cref="DataSet"/> from its spec: bas:MxN, gaussian:N, ghz:N or file:PATH.</summary>
public static class DataSets
{
    /// <summary>Training samples drawn for gaussian:N (the paper's setting).</summary>
    public const int GaussianSampleCount = 1000;

    public static DataSet Parse(string spec, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int colon = spec.IndexOf(':');
        if (colon < 0)
            throw new DataSetException($"data set '{spec}' must look like bas:MxN, gaussian:N, ghz:N or file:PATH");
        string kind = spec[..colon].Trim().ToLowerInvariant(), arg = spec[(colon + 1)..].Trim();
        return kind switch
        {
            "bas" => BarsAndStripes(spec, arg),
            "gaussian" => Gaussian(spec, ParseBits(spec, arg, 2, 16), seed),
            "ghz" => Ghz(spec, ParseBits(spec, arg, 2, 16)),
            "file" => BitstringFile.Load(arg),
            _ => throw new DataSetException($"unknown data set kind '{kind}' in '{spec}' (bas, gaussian, ghz, file)"),
        };
    }

    private static int ParseBits(string spec, string arg, int min, int max)
    {
        if (!int.TryParse(arg, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < min || n > max)
            throw new DataSetException($"'{spec}': the number of bits must be an integer in {min}..{max}");
        return n;
    }

    /// <summary>m x n images whose rows are all equal (stripes) or whose columns are all equal (bars); row-major bits.</summary>
    public static DataSet BarsAndStripes(string spec, string arg)
    {
        var parts = arg.ToLowerInvariant().Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int m) || !int.TryParse(parts[1], out int n) || m < 1 || n < 1 || m * n > 16)
            throw new DataSetException($"'{spec}': bars and stripes needs MxN with M*N <= 16, e.g. bas:2x2");
        int bits = m * n;
        var valid = new HashSet<int>();
        for (int rowsMask = 0; rowsMask < 1 << m; rowsMask++)
            valid.Add(Image(m, n, (r, _) => (rowsMask >> r & 1) == 1));
        for (int colsMask = 0; colsMask < 1 << n; colsMask++)
            valid.Add(Image(m, n, (_, c) => (colsMask >> c & 1) == 1));
        var patterns = valid.OrderBy(x => x).ToArray();
        var target = new double[1 << bits];
        foreach (int x in patterns) target[x] = 1.0 / patterns.Length;
        return new DataSet($"bas:{m}x{n}", bits, patterns, target, valid.Contains);
    }

    private static int Image(int m, int n, Func<int, int, bool> on)
    {
        int bits = m * n, x = 0;
        for (int r = 0; r < m; r++)
            for (int c = 0; c < n; c++)
                if (on(r, c)) x |= 1 << (bits - 1 - (r * n + c));
        return x;
    }

    /// <summary>Discrete bimodal Gaussian over 0..2^N-1: means 2/7 and 5/7 of 2^N, width 2^N/8, equal weights.</summary>
    public static DataSet Gaussian(string spec, int bits, int seed)
    {
        int d = 1 << bits;
        double sigma = d / 8.0;
        var target = new double[d];
        for (int x = 0; x < d; x++)
            target[x] = Normal.PDF(2.0 * d / 7, sigma, x) + Normal.PDF(5.0 * d / 7, sigma, x);
        double sum = target.Sum();
        for (int x = 0; x < d; x++) target[x] /= sum;
        var rng = new Random(seed ^ 0x5EED);
        var samples = new int[GaussianSampleCount];
        Categorical.Samples(rng, samples, target);
        return new DataSet($"gaussian:{bits}", bits, samples, target);
    }

    /// <summary>All-zeros and all-ones in equal parts: total correlation (N-1) ln 2, the worst case for factorised models.</summary>
    public static DataSet Ghz(string spec, int bits)
    {
        int ones = (1 << bits) - 1;
        var target = new double[1 << bits];
        target[0] = target[ones] = 0.5;
        return new DataSet($"ghz:{bits}", bits, new[] { 0, ones }, target);
    }
}
