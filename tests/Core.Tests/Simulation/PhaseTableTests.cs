using System.Numerics;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Simulation;

/// <summary>The phase table of one- and two-qubit diagonal factors against a per-index product, and its application.</summary>
public sealed class PhaseTableTests
{
    private sealed record Factor(int A, int B, Complex[] Values); // B = -1: one-qubit factor on A

    private static Complex RandomPhase(Random rng) => Complex.FromPolarCoordinates(1, (rng.NextDouble() * 2 - 1) * Math.PI);

    private static List<Factor> RandomFactors(Random rng, int n, int count)
    {
        var list = new List<Factor>();
        for (int f = 0; f < count; f++)
        {
            if (n == 1 || rng.NextDouble() < 0.3)
            {
                list.Add(new Factor(rng.Next(n), -1, [RandomPhase(rng), RandomPhase(rng)]));
                continue;
            }
            int a = rng.Next(n), b;
            do b = rng.Next(n); while (b == a);
            list.Add(new Factor(a, b, [RandomPhase(rng), RandomPhase(rng), RandomPhase(rng), RandomPhase(rng)]));
        }
        return list;
    }

    /// <summary>Entry i: the product of every factor's value at i's bits (index bit_a + 2 bit_b).</summary>
    private static Complex[] Reference(int n, List<Factor> factors)
    {
        var d = new Complex[1 << n];
        for (int i = 0; i < d.Length; i++)
        {
            var v = Complex.One;
            foreach (var f in factors)
                v *= f.B < 0 ? f.Values[(i >> f.A) & 1] : f.Values[((i >> f.A) & 1) + 2 * ((i >> f.B) & 1)];
            d[i] = v;
        }
        return d;
    }

    private static PhaseTable Build(int n, List<Factor> factors)
    {
        var table = new PhaseTable(n);
        foreach (var f in factors)
        {
            if (f.B < 0) table.MultiplySingle(f.A, f.Values[0], f.Values[1]);
            else table.MultiplyPair(f.A, f.B, f.Values[0], f.Values[1], f.Values[2], f.Values[3]);
        }
        table.Build();
        return table;
    }

    [Theory]
    [InlineData(1, 1, 3)]
    [InlineData(2, 2, 6)]
    [InlineData(3, 5, 12)]
    [InlineData(6, 7, 40)]
    [InlineData(9, 8, 60)]
    public void Table_equals_the_product_of_its_factors(int seed, int n, int count)
    {
        var rng = new Random(seed);
        var factors = RandomFactors(rng, n, count);
        var table = Build(n, factors);
        var expected = Reference(n, factors);
        for (int i = 0; i < expected.Length; i++)
            Assert.True((table.Values[i] - expected[i]).Magnitude < 1e-12, $"entry {i}: {table.Values[i]} vs {expected[i]}");
    }

    [Fact]
    public void Clear_starts_a_new_product_and_an_empty_table_is_the_identity()
    {
        var rng = new Random(3);
        var table = Build(4, RandomFactors(rng, 4, 10));
        table.Clear();
        table.Build();
        Assert.All(table.Values.ToArray(), v => Assert.Equal(Complex.One, v));
        var second = RandomFactors(rng, 4, 5);
        foreach (var f in second.Where(f => f.B >= 0)) table.MultiplyPair(f.A, f.B, f.Values[0], f.Values[1], f.Values[2], f.Values[3]);
        table.Build();
        var expected = Reference(4, second.Where(f => f.B >= 0).ToList());
        for (int i = 0; i < expected.Length; i++) Assert.True((table.Values[i] - expected[i]).Magnitude < 1e-12);
    }

    [Fact]
    public void Bad_qubits_are_refused()
    {
        var table = new PhaseTable(3);
        Assert.Throws<ArgumentOutOfRangeException>(() => table.MultiplySingle(3, 1, 1));
        Assert.Throws<ArgumentException>(() => table.MultiplyPair(1, 1, 1, 1, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new PhaseTable(0));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(false, true)]
    public void Applying_the_table_multiplies_one_or_two_states(bool simd, bool conjugate)
    {
        var rng = new Random(simd ? 11 : 12);
        const int n = 7;
        var table = Build(n, RandomFactors(rng, n, 30));
        var options = new SimulatorOptions { Simd = simd, Threads = 1 };
        var first = DenseReference.RandomStateVector(n, rng, options);
        var second = DenseReference.RandomStateVector(n, rng, options);
        var a = first.Amplitudes.ToArray();
        var b = second.Amplitudes.ToArray();
        first.ApplyPhaseTable(table, conjugate, second);
        for (int i = 0; i < a.Length; i++)
        {
            var t = conjugate ? Complex.Conjugate(table.Values[i]) : table.Values[i];
            Assert.True((first.Amplitudes[i] - a[i] * t).Magnitude < 1e-14);
            Assert.True((second.Amplitudes[i] - b[i] * t).Magnitude < 1e-14);
        }
        first.ApplyPhaseTable(table, !conjugate);
        for (int i = 0; i < a.Length; i++) Assert.True((first.Amplitudes[i] - a[i]).Magnitude < 1e-14, "table then its conjugate is the identity");
    }
}
