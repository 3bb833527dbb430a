using QD3PM.Core.Circuits;
using QD3PM.Core.Gradients;

namespace QD3PM.Core.Tests.Gradients;

/// <summary>Seeded random parametric circuits: shared parameters, scales and offsets, fixed gates in between.</summary>
internal static class RandomParametricCircuits
{
    /// <summary>Kinds the two-term shift rule is exact for.</summary>
    public static readonly GateKind[] ShiftableKinds =
        [GateKind.RX, GateKind.RY, GateKind.RZ, GateKind.P, GateKind.U2, GateKind.U3,
         GateKind.RXX, GateKind.RYY, GateKind.RZZ, GateKind.RZX, GateKind.ZZ];

    /// <summary>Every kind with an angle (adjoint handles all of them).</summary>
    public static readonly GateKind[] AllParametricKinds =
        Enum.GetValues<GateKind>().Where(k => GateInfo.IsUnitary(k) && GateInfo.ParameterCount(k) > 0).ToArray();

    private static readonly GateKind[] FixedKinds =
        [GateKind.H, GateKind.CX, GateKind.SX, GateKind.S, GateKind.T, GateKind.CZ, GateKind.Swap, GateKind.CCX,
         GateKind.CSwap, GateKind.RCCX, GateKind.Y, GateKind.CH];

    public static ParametricCircuit Create(Random rng, int qubits, int parameters, int gates, GateKind[] kinds)
    {
        var circuit = new ParametricCircuit(qubits, parameters);
        // Every parameter is used at least once, most several times (shared).
        for (int g = 0; g < gates; g++)
        {
            if (rng.NextDouble() < 0.25)
            {
                var fixedKind = FixedKinds[rng.Next(FixedKinds.Length)];
                if (GateInfo.QubitCount(fixedKind) > qubits) continue;
                circuit.Add(ParametricOperation.Fixed(fixedKind, [], RandomQubits(rng, qubits, GateInfo.QubitCount(fixedKind))));
                continue;
            }
            var kind = kinds[rng.Next(kinds.Length)];
            if (GateInfo.QubitCount(kind) > qubits) continue;
            int index = g < parameters ? g : rng.Next(parameters);
            double scale = rng.NextDouble() < 0.5 ? 1 : rng.NextDouble() * 3 - 1.5;
            double offset = rng.NextDouble() < 0.5 ? 0 : rng.NextDouble() * 2 - 1;
            var constants = Enumerable.Range(0, GateInfo.ParameterCount(kind) - 1).Select(_ => rng.NextDouble() * 6 - 3).ToArray();
            circuit.Add(new ParametricOperation(kind, RandomQubits(rng, qubits, GateInfo.QubitCount(kind)), constants, index, scale, offset));
        }
        return circuit;
    }

    public static int[] RandomQubits(Random rng, int qubits, int count) =>
        Enumerable.Range(0, qubits).OrderBy(_ => rng.Next()).Take(count).ToArray();

    public static double[] RandomVector(Random rng, int length, double scale) =>
        Enumerable.Range(0, length).Select(_ => (rng.NextDouble() * 2 - 1) * scale).ToArray();
}
