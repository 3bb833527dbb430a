using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Tests.Training;

/// <summary>Exact distributions and seeded counts of shot-plan circuits, for the shot-gradient tests.</summary>
internal static class PlanCircuits
{
    /// <summary>Exact distribution of the measured (data) bits of a plan circuit.</summary>
    public static double[] Distribution(Circuit circuit)
    {
        var sv = new StateVector(circuit.QubitCount);
        sv.Apply(circuit);
        var full = sv.Probabilities();
        var p = new double[1 << circuit.ClbitCount];
        for (int i = 0; i < full.Length; i++) p[i & (p.Length - 1)] += full[i];
        return p;
    }

    /// <summary><paramref name="shots"/> draws from <paramref name="p"/> as counts keyed by bitstring.</summary>
    public static IReadOnlyDictionary<string, int> Sample(double[] p, int bits, int shots, Random rng)
    {
        var counts = new Dictionary<string, int>();
        for (int s = 0; s < shots; s++)
        {
            double u = rng.NextDouble(), cumulative = 0;
            int x = 0;
            for (; x < p.Length - 1; x++)
            {
                cumulative += p[x];
                if (u < cumulative) break;
            }
            var key = StateVector.Bitstring(x, bits);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }
        return counts;
    }
}
