using QD3PM.Core.Circuits;
using QD3PM.Core.Diffusion;

namespace QD3PM.Core.Gradients;

/// <summary>
/// One unravelling of a circuit under the simulator's depolarizing noise (<see cref="Simulation.NoiseModel"/>): after
/// every unitary gate, each qubit it touched gets X, Y or Z with probability p/4 each (ρ → (1 - 3p/4)ρ +
/// p/4 (XρX + YρY + ZρZ), Qiskit's convention). The result is an ordinary parametric circuit with fixed Pauli gates
/// inserted, so its exact gradient is one adjoint sweep; averaged over trajectories, distributions and gradients are
/// those of the noisy channel (the insertion probabilities do not depend on the parameters).
/// </summary>
public static class DepolarizingTrajectory
{
    public static ParametricCircuit Draw(ParametricCircuit circuit, double p, SplitMix64 rng)
    {
        ArgumentNullException.ThrowIfNull(circuit);
        ArgumentNullException.ThrowIfNull(rng);
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), $"depolarizing probability must be in [0, 1], got {p}");
        var noisy = new ParametricCircuit(circuit.QubitCount, circuit.ParameterCount);
        foreach (var op in circuit.Operations)
        {
            noisy.Add(op);
            if (p == 0 || !GateInfo.IsUnitary(op.Kind)) continue;
            foreach (int q in op.Qubits)
            {
                double u = rng.NextDouble();
                if (u >= 3 * p / 4) continue;
                var pauli = u < p / 4 ? GateKind.X : u < p / 2 ? GateKind.Y : GateKind.Z;
                noisy.Add(ParametricOperation.Fixed(pauli, [], q));
            }
        }
        return noisy;
    }
}
