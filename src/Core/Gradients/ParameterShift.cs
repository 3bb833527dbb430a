using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// Gradient of a diagonal expectation by the two-term parameter-shift rule, one pair of circuit runs per
/// parametrised gate: what a QPU can do. Exact for gates whose generator has two eigenvalues; gates with more
/// (controlled rotations, CP, CU3, CU) are refused.
/// </summary>
public static class ParameterShift
{
    private static readonly ShiftRule HalfPi = new(Math.PI / 2, 0.5);
    private static readonly ShiftRule QuarterPi = new(Math.PI / 4, 1);

    /// <summary>The rule for the gate's first angle; <see cref="NotSupportedException"/> when none is exact.</summary>
    public static ShiftRule RuleFor(GateKind kind) => kind switch
    {
        // exp(-i a G) with G eigenvalues ±1/2 (P and U2's φ: 0 and -1, a global phase away).
        GateKind.RX or GateKind.RY or GateKind.RZ or GateKind.P or GateKind.U2 or GateKind.U3
            or GateKind.RXX or GateKind.RYY or GateKind.RZZ or GateKind.RZX => HalfPi,
        // exp(-i a Z⊗Z): eigenvalues ±1.
        GateKind.ZZ => QuarterPi,
        GateKind.CRX or GateKind.CRY or GateKind.CRZ or GateKind.CP or GateKind.CU3 or GateKind.CU =>
            throw new NotSupportedException(
                $"{GateInfo.QasmName(kind)} has a generator with three eigenvalues (0, ±1/2): the two-term " +
                "parameter-shift rule is not exact for it; decompose it into single-qubit rotations and CX, or use adjoint differentiation"),
        _ => throw new NotSupportedException($"{GateInfo.QasmName(kind)} has no angle to differentiate"),
    };

    /// <summary>Returns E(θ) and ADDS dE/dθ into <paramref name="gradient"/>; 2 circuit runs per parametrised gate.</summary>
    public static double ExpectationAndGradient(ParametricCircuit circuit, ReadOnlySpan<double> theta,
        ReadOnlySpan<double> diagonalObservable, Span<double> gradient, AdjointWorkspace? workspace = null)
    {
        workspace = AdjointWorkspace.For(circuit, theta, diagonalObservable, gradient, workspace);

        // Check every rule first, so an unsupported gate fails before any work (and before touching gradient).
        var ops = circuit.Operations;
        foreach (var op in ops)
            if (op.IsParametric) RuleFor(op.Kind);

        var state = workspace.State;
        double expectation = Evaluate(circuit, state, theta, diagonalObservable, -1, 0);
        for (int k = 0; k < ops.Count; k++)
        {
            var op = ops[k];
            if (!op.IsParametric) continue;
            var rule = RuleFor(op.Kind);
            double plus = Evaluate(circuit, state, theta, diagonalObservable, k, rule.Shift);
            double minus = Evaluate(circuit, state, theta, diagonalObservable, k, -rule.Shift);
            gradient[op.ParameterIndex] += op.Scale * rule.Coefficient * (plus - minus);
        }
        return expectation;
    }

    private static double Evaluate(ParametricCircuit circuit, StateVector state, ReadOnlySpan<double> theta,
        ReadOnlySpan<double> observable, int shiftedOperation, double delta)
    {
        state.Reset();
        circuit.RunShifted(state, theta, shiftedOperation, delta);
        return state.ExpectationDiagonal(observable);
    }
}
