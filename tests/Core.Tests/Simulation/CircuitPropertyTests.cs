using System.Numerics;
using FsCheck.Xunit;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Tests.Simulation;

/// <summary>Properties of random circuits: the fast gate paths are unitary and undone by the dense inverse.</summary>
public sealed class CircuitPropertyTests
{
    private static readonly GateKind[] Kinds =
        Enum.GetValues<GateKind>().Where(k => GateInfo.IsUnitary(k) && GateInfo.QubitCount(k) <= 5).ToArray();

    [Property(MaxTest = 40)]
    public bool Circuit_followed_by_its_dense_inverse_is_the_identity(int seed, bool simd)
    {
        const int n = 6;
        var rng = new Random(seed);
        var ops = new List<Operation>();
        for (int g = 0; g < 25; g++)
        {
            var kind = Kinds[rng.Next(Kinds.Length)];
            var qubits = Enumerable.Range(0, n).OrderBy(_ => rng.Next()).Take(GateInfo.QubitCount(kind)).ToArray();
            var parameters = Enumerable.Range(0, GateInfo.ParameterCount(kind)).Select(_ => rng.NextDouble() * 7 - 3.5).ToArray();
            ops.Add(new Operation(kind, qubits, parameters));
        }
        var state = new StateVector(n, new SimulatorOptions { Simd = simd, Threads = 1 });
        for (int i = 0; i < state.Length; i++) state.Amplitudes[i] = new Complex(Math.Cos(i), Math.Sin(3 * i)) / 8;
        var initial = state.Amplitudes.ToArray();
        foreach (var op in ops) state.Apply(op);
        bool normKept = Math.Abs(state.NormSquared() - initial.Sum(a => a.Magnitude * a.Magnitude)) < 1e-10;

        for (int k = ops.Count - 1; k >= 0; k--)
        {
            var u = GateMatrices.Unitary(ops[k].Kind, ops[k].Parameters);
            int dim = u.GetLength(0);
            var adjoint = new Complex[dim, dim];
            for (int r = 0; r < dim; r++)
                for (int c = 0; c < dim; c++)
                    adjoint[r, c] = Complex.Conjugate(u[c, r]);
            state.ApplyUnitary(ops[k].Qubits, adjoint);
        }
        double worst = 0;
        for (int i = 0; i < initial.Length; i++) worst = Math.Max(worst, (state.Amplitudes[i] - initial[i]).Magnitude);
        return normKept && worst < 1e-10;
    }
}
