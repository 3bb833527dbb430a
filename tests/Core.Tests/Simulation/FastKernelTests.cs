using System.Numerics;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Simulation;

/// <summary>
/// The specialised (SIMD, threaded) kernels against the plain general kernels, at sizes where the dense reference is
/// too big: above the threading threshold, and with thread splits forced on small registers.
/// </summary>
public sealed class FastKernelTests
{
    private const double Tolerance = 1e-12;

    private static readonly GateKind[] FastGates =
    [
        GateKind.H, GateKind.X, GateKind.Y, GateKind.RX, GateKind.RY, GateKind.RZ, GateKind.P, GateKind.U3,
        GateKind.CX, GateKind.CZ, GateKind.CP, GateKind.CRY, GateKind.ZZ, GateKind.RZZ, GateKind.Swap, GateKind.CSwap,
        GateKind.CCX,
    ];

    private static StateVector RandomState(int n, SimulatorOptions options, int seed)
    {
        var state = new StateVector(n, options);
        var rng = new Random(seed);
        var a = state.Amplitudes;
        double norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = new Complex(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5);
            norm += a[i].Real * a[i].Real + a[i].Imaginary * a[i].Imaginary;
        }
        double scale = 1 / Math.Sqrt(norm);
        for (int i = 0; i < a.Length; i++) a[i] *= scale;
        return state;
    }

    /// <summary>What the general kernels give for the operation.</summary>
    private static Complex[] Expected(StateVector initial, Operation op)
    {
        var a = initial.Amplitudes.ToArray();
        int controls = GateInfo.ControlCount(op.Kind);
        if (GateMatrices.HasSingleTarget(op.Kind))
            ReferenceKernels.ApplyControlledMatrix(a, initial.QubitCount, op.Qubits.AsSpan(0, controls),
                op.Qubits[controls], GateMatrices.Target(op.Kind, op.Parameters));
        else
            ReferenceKernels.ApplyUnitary(a, initial.QubitCount, op.Qubits, GateMatrices.Unitary(op.Kind, op.Parameters));
        return a;
    }

    private static IEnumerable<int[]> Placements(int n, int arity)
    {
        // Low, middle and high positions, in both orders, so strided, in-vector and cross-vector cases all run.
        int[] spots = [0, 1, 2, n / 2, n - 2, n - 1];
        var order = new Random(arity);
        return DenseReference.Placements(spots.Length, arity)
            .Select(sel => sel.Select(i => spots[i]).ToArray())
            .Where(q => q.Distinct().Count() == q.Length)
            .DistinctBy(q => string.Join(",", q))
            .OrderBy(_ => order.Next()) // a seeded sample, so high-control/low-target cases appear too
            .Take(12);
    }

    private static void Check(int n, SimulatorOptions options, int seed)
    {
        var rng = new Random(seed);
        foreach (var kind in FastGates)
        {
            foreach (var qubits in Placements(n, GateInfo.QubitCount(kind)))
            {
                var state = RandomState(n, options, rng.Next());
                var op = new Operation(kind, qubits, DenseReference.RandomAngles(GateInfo.ParameterCount(kind), rng));
                var expected = Expected(state, op);
                state.Apply(op);
                var actual = state.Amplitudes;
                double worst = 0;
                for (int i = 0; i < actual.Length; i++) worst = Math.Max(worst, (actual[i] - expected[i]).Magnitude);
                Assert.True(worst < Tolerance, $"{kind} on [{string.Join(",", qubits)}], n={n}: off by {worst}");
            }
        }
    }

    [Fact]
    public void Threaded_kernels_above_the_threshold_match_the_general_kernels()
    {
        var options = new SimulatorOptions { Threads = 2 };
        Assert.True(16 >= options.ParallelThresholdQubits, "test must run above the threading threshold");
        Check(16, options, 11);
    }

    [Fact]
    public void Uneven_thread_splits_on_small_registers_match()
    {
        Check(9, new SimulatorOptions { Threads = 3, ParallelThresholdQubits = 0 }, 12);
        Check(10, new SimulatorOptions { Threads = 5, ParallelThresholdQubits = 0, Simd = false }, 13);
    }

    [Fact]
    public void Tiny_registers_work()
    {
        for (int n = 1; n <= 3; n++)
        {
            var s = new StateVector(n);
            s.ApplyH(0);
            s.ApplyRy(n - 1, 0.4);
            if (n > 1) { s.ApplyCx(0, 1); s.ApplyZz(0, 1, 0.3); s.ApplyCx(1, 0); }
            Assert.Equal(1, s.NormSquared(), 12);
        }
    }
}
