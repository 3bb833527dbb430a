namespace QD3PM.Core.Data;

/// <summary>
/// A user data file: one bitstring per line, first bit most significant; blank lines and lines starting with '#'
/// are skipped; every line must have the same length. The target distribution is the empirical one.
/// </summary>
public static class BitstringFile
{
    public static DataSet Load(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new DataSetException("file: needs a path, e.g. file:data/patterns.txt");
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new DataSetException($"{path}: cannot read ({ex.Message})");
        }
        return Parse(path, lines);
    }

    public static DataSet Parse(string name, IReadOnlyList<string> lines)
    {
        int bits = -1;
        var samples = new List<int>();
        for (int i = 0; i < lines.Count; i++)
        {
            string line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (bits < 0)
            {
                bits = line.Length;
                if (bits > 20)
                    throw new DataSetException($"{name}:{i + 1}: {bits} bits is more than the 20 this tool supports");
            }
            if (line.Length != bits)
                throw new DataSetException($"{name}:{i + 1}: expected {bits} bits, got {line.Length}");
            int x = 0;
            for (int c = 0; c < line.Length; c++)
            {
                if (line[c] is not ('0' or '1'))
                    throw new DataSetException($"{name}:{i + 1}:{c + 1}: '{line[c]}' is not a bit (only 0 and 1)");
                x = x << 1 | (line[c] - '0');
            }
            samples.Add(x);
        }
        if (samples.Count == 0)
            throw new DataSetException($"{name}: no bitstrings found");
        var target = new double[1 << bits];
        foreach (int x in samples) target[x] += 1.0 / samples.Count;
        return new DataSet($"file:{name}", bits, samples, target);
    }
}
