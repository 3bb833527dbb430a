using QD3PM.Core.Data;

namespace QD3PM.Core.Metrics;

/// <summary>How many generated strings are valid patterns of the data set.</summary>
public static class Validity
{
    public static double ValidFraction(DataSet data, IReadOnlyList<int> samples) =>
        samples.Count == 0 ? 0 : (double)samples.Count(data.IsValid) / samples.Count;

    /// <summary>Probability mass a distribution puts on valid patterns.</summary>
    public static double ValidMass(DataSet data, ReadOnlySpan<double> distribution)
    {
        double mass = 0;
        for (int x = 0; x < distribution.Length; x++)
            if (data.IsValid(x)) mass += distribution[x];
        return mass;
    }
}
