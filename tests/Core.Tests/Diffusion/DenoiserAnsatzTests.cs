using QD3PM.Core.Circuits;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Gradients;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Diffusion;

/// <summary>The shared (x_t, t) circuits of <see cref="DenoiserAnsatz.Circuit"/>: the same gates as a fresh build, once each, never modifiable.</summary>
public sealed class DenoiserAnsatzTests
{
    [Fact]
    public void A_cached_circuit_is_built_once_and_prepares_the_same_state_as_a_fresh_build()
    {
        var ansatz = new DenoiserAnsatz(4, 2, 30, Entangler.AllToAll);
        var theta = Enumerable.Range(0, ansatz.ParameterCount).Select(i => 0.1 * Math.Sin(i + 1.0)).ToArray();
        foreach (var (xt, t) in new[] { (0, 1), (5, 7), (15, 30) })
        {
            var cached = ansatz.Circuit(xt, t);
            Assert.Same(cached, ansatz.Circuit(xt, t));
            var fresh = ansatz.Build(xt, t);
            Assert.Equal(fresh.Operations.Count, cached.Operations.Count);
            var a = new StateVector(ansatz.QubitCount);
            var b = new StateVector(ansatz.QubitCount);
            cached.Run(a, theta);
            fresh.Run(b, theta);
            for (int i = 0; i < a.Length; i++)
                Assert.Equal(b.Amplitudes[i], a.Amplitudes[i]); // the same gates in the same order: bit for bit
        }
        Assert.NotSame(ansatz.Circuit(5, 7), ansatz.Circuit(5, 8));
    }

    [Fact]
    public void A_shared_circuit_refuses_new_gates()
    {
        var ansatz = new DenoiserAnsatz(2, 1, 4, Entangler.Chain);
        var shared = ansatz.Circuit(1, 2);
        Assert.Throws<InvalidOperationException>(() => shared.Rotation(GateKind.RX, 0, [0]));
        ansatz.Build(1, 2).Rotation(GateKind.RX, 0, [0]); // a fresh build stays the caller's to extend
    }

    [Fact]
    public void Registers_with_more_circuits_than_the_cache_holds_get_a_new_circuit_per_call()
    {
        int bits = 12; // 4,096 x 31 (x_t, t) pairs > CachedCircuitLimit
        Assert.True((1L << bits) * 31 > DenoiserAnsatz.CachedCircuitLimit);
        var ansatz = new DenoiserAnsatz(bits, 1, 30, Entangler.Chain);
        Assert.NotSame(ansatz.Circuit(3, 4), ansatz.Circuit(3, 4));
    }
}
