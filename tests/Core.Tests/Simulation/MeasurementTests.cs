using Xunit;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using Complex = System.Numerics.Complex;

namespace QD3PM.Core.Tests.Simulation;

public sealed class MeasurementTests
{
    private static StateVector RandomState(int n, int seed)
    {
        var state = new StateVector(n);
        DenseReference.RandomState(n, new Random(seed)).AsArray().CopyTo(state.Amplitudes);
        return state;
    }

    [Fact]
    public void Probabilities_are_squared_magnitudes_and_sum_to_one()
    {
        foreach (var n in new[] { 1, 2, 5 })
        {
            var small = RandomState(n, 10 + n);
            var q = small.Probabilities();
            for (int i = 0; i < q.Length; i++)
                Assert.Equal(small.Amplitudes[i].Magnitude * small.Amplitudes[i].Magnitude, q[i], 14);
        }
        var state = RandomState(5, 1);
        var p = state.Probabilities();
        for (int i = 0; i < p.Length; i++)
            Assert.Equal(state.Amplitudes[i].Magnitude * state.Amplitudes[i].Magnitude, p[i], 14);
        Assert.Equal(1, p.Sum(), 12);
    }

    [Fact]
    public void Marginal_sums_over_the_other_qubits_in_the_listed_order()
    {
        var state = RandomState(5, 2);
        var p = state.Probabilities();
        int[] qubits = [3, 0];
        var marginal = state.Marginal(qubits);
        Assert.Equal(4, marginal.Length);
        for (int m = 0; m < 4; m++)
        {
            double expected = 0;
            for (int i = 0; i < p.Length; i++)
                if (((i >> 3) & 1) == (m & 1) && ((i >> 0) & 1) == ((m >> 1) & 1)) expected += p[i];
            Assert.Equal(expected, marginal[m], 13);
        }
        Assert.Equal(1, state.Marginal([]).Single(), 12);
        // Ascending, contiguous-low and scattered selections agree with the direct sum as well.
        foreach (int[] selection in new[] { new[] { 0, 1 }, new[] { 1, 3, 4 }, new[] { 4, 1, 2 }, new[] { 2, 0, 4, 1 } })
        {
            var got = state.Marginal(selection);
            for (int m = 0; m < got.Length; m++)
            {
                double expected = 0;
                for (int i = 0; i < p.Length; i++)
                {
                    bool match = true;
                    for (int j = 0; j < selection.Length; j++)
                        match &= ((i >> selection[j]) & 1) == ((m >> j) & 1);
                    if (match) expected += p[i];
                }
                Assert.Equal(expected, got[m], 13);
            }
        }
        Assert.Throws<ArgumentException>(() => state.Marginal([1, 1]));
    }

    [Fact]
    public void Marginal_of_a_product_state_is_the_single_qubit_distribution()
    {
        var state = new StateVector(3);
        state.Apply(new Circuit(3).Ry(1, 2 * Math.Asin(Math.Sqrt(0.3))).X(2));
        var m1 = state.Marginal([1]);
        Assert.Equal(0.7, m1[0], 12);
        Assert.Equal(0.3, m1[1], 12);
        Assert.Equal(1, state.Marginal([2])[1], 12);
    }

    [Fact]
    public void Expectation_of_a_diagonal_is_the_weighted_sum()
    {
        foreach (int n in new[] { 1, 4, 7 })
        {
            var state = RandomState(n, 3);
            var diag = Enumerable.Range(0, 1 << n).Select(i => Math.Sin(i)).ToArray();
            var p = state.Probabilities();
            Assert.Equal(p.Zip(diag, (a, b) => a * b).Sum(), state.ExpectationDiagonal(diag), 13);
        }
    }

    [Fact]
    public void Inner_product_conjugates_the_left_state()
    {
        var a = RandomState(3, 4);
        var b = RandomState(3, 5);
        Complex expected = Complex.Zero;
        for (int i = 0; i < 8; i++) expected += Complex.Conjugate(a.Amplitudes[i]) * b.Amplitudes[i];
        var actual = a.InnerProduct(b);
        Assert.Equal(expected.Real, actual.Real, 13);
        Assert.Equal(expected.Imaginary, actual.Imaginary, 13);
        Assert.Equal(1, a.InnerProduct(a).Real, 12);
        Assert.Equal(Complex.Conjugate(actual), b.InnerProduct(a));
    }

    [Fact]
    public void Sampling_is_seeded_keyed_with_qubit_n_minus_1_leftmost_and_follows_the_distribution()
    {
        var state = new StateVector(3);
        state.Apply(new Circuit(3).X(0).Ry(2, 2 * Math.Asin(Math.Sqrt(0.25))));
        // Outcomes: 001 (p = 0.75) and 101 (p = 0.25), written qubit 2 first.
        var counts = state.SampleCounts(20000, new Random(9));
        Assert.Equal(20000, counts.Values.Sum());
        Assert.Equal(["001", "101"], counts.Keys.Order().ToArray());
        Assert.InRange(counts["101"] / 20000.0, 0.24, 0.26);
        Assert.Equal(counts, state.SampleCounts(20000, new Random(9)));
        Assert.NotEqual(counts["101"], state.SampleCounts(20000, new Random(10))["101"]);
    }

    [Fact]
    public void Bitstrings_put_the_highest_qubit_first()
    {
        Assert.Equal("0011", StateVector.Bitstring(3, 4));
        Assert.Equal("1000", StateVector.Bitstring(8, 4));
        Assert.Equal("", StateVector.Bitstring(0, 0));
    }

    [Fact]
    public void Reset_copy_and_clone()
    {
        var a = RandomState(3, 6);
        var b = a.Clone();
        Assert.Equal(a.Amplitudes.ToArray(), b.Amplitudes.ToArray());
        b.ApplyX(0);
        Assert.NotEqual(a.Amplitudes.ToArray(), b.Amplitudes.ToArray());
        b.CopyFrom(a);
        Assert.Equal(a.Amplitudes.ToArray(), b.Amplitudes.ToArray());
        a.Reset();
        Assert.Equal(1, a.Probabilities()[0]);
        a.SetBasisState(5);
        Assert.Equal(1, a.Probabilities()[5]);
        Assert.Throws<ArgumentException>(() => a.CopyFrom(new StateVector(2)));
    }

    [Fact]
    public void Capacity_is_checked_before_allocating()
    {
        Assert.Equal(16L << 20, StateVector.RequiredBytes(20));
        var tooMany = Assert.Throws<SimulatorCapacityException>(() => new StateVector(31));
        Assert.Contains("31 qubits", tooMany.Message);
        Assert.Equal(16L << 31, tooMany.RequiredBytes);
        Assert.True(StateVector.AvailableBytes() > 0);
        // The memory rule, against a pretend 1 GiB free: 26 qubits (1 GiB) fit, 27 (2 GiB) do not.
        StateVector.CheckCapacity(26, 1L << 30);
        var ex = Assert.Throws<SimulatorCapacityException>(() => StateVector.CheckCapacity(27, 1L << 30));
        Assert.Equal("27 qubits need 2 GiB for the state vector but only 1 GiB of memory is available", ex.Message);
        Assert.Equal(2L << 30, ex.RequiredBytes);
        Assert.Equal(1L << 30, ex.AvailableBytes);
    }
}
