using System.Numerics;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// Exact gradient of E(θ) = ⟨ψ(θ)|D|ψ(θ)⟩, ψ(θ) = U_N…U_1|0…0>, D diagonal, with one forward pass and one backward
/// sweep over two buffers (Jones and Gacon, arXiv:2009.02823).
/// With λ_k = U_{k+1}†…U_N† D ψ and ψ_k = U_k…U_1|0>, dE/da_k = 2 Re⟨λ_k| dU_k/da |ψ_{k-1}⟩. For Pauli rotations
/// U = exp(-i a c P) this is 2c Im⟨λ_k|P|ψ_k⟩; for the other gates dU/da is a closed-form 2x2 matrix (see
/// <see cref="GateDerivatives"/>). Cost: about three circuit runs, independent of the number of parameters.
/// The sweep walks the circuit's <see cref="CircuitPlan"/> rather than single gates: a qubit's block of single-qubit
/// gates yields all its derivatives from one pass over both buffers (<see cref="BlockAdjointStep"/>), and a run of
/// diagonal gates gets its derivatives from one Walsh–Hadamard transform and is rewound by one phase table.
/// </summary>
public static class AdjointDifferentiation
{
    /// <summary>
    /// Returns E(θ) and ADDS dE/dθ into <paramref name="gradient"/> (so callers can sum over samples). Any gate
    /// kind with an angle may be bound to a parameter, including controlled rotations.
    /// </summary>
    public static double ExpectationAndGradient(ParametricCircuit circuit, ReadOnlySpan<double> theta,
        ReadOnlySpan<double> diagonalObservable, Span<double> gradient, AdjointWorkspace? workspace = null) =>
        Run(circuit, theta, diagonalObservable, gradient, workspace, statePrepared: false);

    /// <summary>
    /// As <see cref="ExpectationAndGradient"/>, for a caller that has already run the circuit forward into
    /// <c>workspace.State</c> (to read the output distribution the observable is computed from): saves that forward pass.
    /// </summary>
    public static double GradientFromPreparedState(ParametricCircuit circuit, ReadOnlySpan<double> theta,
        ReadOnlySpan<double> diagonalObservable, Span<double> gradient, AdjointWorkspace workspace) =>
        Run(circuit, theta, diagonalObservable, gradient, workspace, statePrepared: true);

    private static double Run(ParametricCircuit circuit, ReadOnlySpan<double> theta,
        ReadOnlySpan<double> diagonalObservable, Span<double> gradient, AdjointWorkspace? workspace, bool statePrepared)
    {
        workspace = AdjointWorkspace.For(circuit, theta, diagonalObservable, gradient, workspace);

        var psi = workspace.State;
        var lambda = workspace.CoState;
        if (!statePrepared)
        {
            psi.Reset();
            circuit.RunShifted(psi, theta, -1, 0);
        }

        // λ = D ψ and E = Σ D_i |ψ_i|².
        Span<Complex> a = psi.Amplitudes, l = lambda.Amplitudes;
        double expectation = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = diagonalObservable[i];
            expectation += d * (a[i].Real * a[i].Real + a[i].Imaginary * a[i].Imaginary);
            l[i] = new Complex(d * a[i].Real, d * a[i].Imaginary);
        }

        var ops = circuit.Operations;
        var segments = circuit.Plan.Segments;
        int first = 0;
        while (first < segments.Count && !segments[first].HasParameters) first++;

        Span<double> p = stackalloc double[ParametricCircuit.MaxGateParameters];
        for (int k = segments.Count - 1; k >= first; k--)
        {
            var segment = segments[k];
            bool rewind = k > first; // nothing earlier needs the rewound states
            switch (segment.Kind)
            {
                case CircuitPlan.SegmentKind.Local:
                    for (int g = segment.Groups.Length - 1; g >= 0; g--)
                        LocalStep(ops, segment.Groups[g], theta, psi, lambda, gradient, rewind);
                    break;
                case CircuitPlan.SegmentKind.Diagonal:
                    if (segment.HasParameters)
                        DiagonalRun.AddDerivatives(ops, segment.Start, segment.End, lambda, psi, workspace.Walsh, gradient);
                    if (!rewind) break;
                    // Un-applying a diagonal unitary is multiplying by its conjugate: one table, one pass over both.
                    DiagonalRun.Fill(workspace.Table, ops, segment.Start, segment.End, theta);
                    psi.ApplyPhaseTable(workspace.Table, conjugate: true, other: lambda);
                    break;
                default:
                    Step(ops[segment.Start], theta, psi, lambda, gradient, p, rewindCoState: rewind);
                    break;
            }
        }
        return expectation;
    }

    /// <summary>
    /// One group of single-qubit gates on one qubit: derivatives from one pass that also rewinds ψ and λ (see
    /// <see cref="BlockAdjointStep"/>); a group without parameters is only rewound, and only when needed.
    /// </summary>
    private static void LocalStep(IReadOnlyList<ParametricOperation> ops, int[] group, ReadOnlySpan<double> theta,
        StateVector psi, StateVector lambda, Span<double> gradient, bool rewind)
    {
        bool parametric = false;
        foreach (int k in group) parametric |= ops[k].IsParametric;
        if (!parametric && !rewind) return;
        var inverse = LocalBlock.Fuse(ops, group, theta).Adjoint();
        int q = ops[group[0]].Qubits[0];
        if (!parametric)
        {
            psi.ApplyMatrix(q, inverse);
            lambda.ApplyMatrix(q, inverse);
            return;
        }
        var s = BlockAdjointStep.Run(lambda, psi, q, inverse);
        LocalBlock.AddDerivatives(ops, group, theta, s, gradient);
    }

    /// <summary>Gradient contribution of one gate, then the gate un-applied from ψ (and from λ unless it is the last).</summary>
    private static void Step(ParametricOperation op, ReadOnlySpan<double> theta, StateVector psi, StateVector lambda,
        Span<double> gradient, Span<double> scratch, bool rewindCoState)
    {
        var parameters = scratch[..GateInfo.ParameterCount(op.Kind)];
        op.BindParameters(theta, parameters);
        if (!op.IsParametric)
        {
            GateApplier.Apply(psi, op.Kind, op.Qubits, parameters, inverse: true);
            if (rewindCoState) GateApplier.Apply(lambda, op.Kind, op.Qubits, parameters, inverse: true);
            return;
        }

        double derivative;
        if (GateDerivatives.TryPauliGenerator(op.Kind, op.Qubits, out long flip, out long z, out int y, out double c))
        {
            derivative = 2 * c * Overlaps.PauliImaginary(lambda, psi, flip, z, y);
            GateApplier.Apply(psi, op.Kind, op.Qubits, parameters, inverse: true);
        }
        else
        {
            GateApplier.Apply(psi, op.Kind, op.Qubits, parameters, inverse: true);
            long controls = 0;
            for (int j = 0; j < op.Qubits.Length - 1; j++) controls |= 1L << op.Qubits[j];
            var dm = GateDerivatives.TargetDerivative(op.Kind, parameters);
            derivative = 2 * Overlaps.ControlledMatrix(lambda, psi, controls, op.Qubits[^1], dm).Real;
        }
        gradient[op.ParameterIndex] += op.Scale * derivative;
        if (rewindCoState) GateApplier.Apply(lambda, op.Kind, op.Qubits, parameters, inverse: true);
    }
}
