using System.Numerics;
using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// A group of single-qubit gates G_1..G_m on one qubit (in circuit order) as one matrix U = G_m⋯G_1, and the
/// derivatives of its angles from the pair-overlap matrix S of <see cref="BlockAdjointStep"/>:
/// with ψ, λ taken after the block, dE/da_j = 2 Re⟨λ| dU/da_j U† |ψ⟩ = 2 Re Tr(A_j S), A_j = L_j (dG_j G_j†) L_j†,
/// L_j = G_m⋯G_{j+1}. All 2x2 arithmetic: the cost is the one pass that forms S.
/// </summary>
internal static class LocalBlock
{
    /// <summary>U = G_m⋯G_1 for the operations <paramref name="group"/> (one angle optionally shifted by delta).</summary>
    public static Matrix2x2 Fuse(IReadOnlyList<ParametricOperation> ops, int[] group, ReadOnlySpan<double> theta,
        int shiftedOperation = -1, double delta = 0)
    {
        Span<double> p = stackalloc double[ParametricCircuit.MaxGateParameters];
        var u = Matrix2x2.Identity;
        foreach (int k in group)
        {
            var op = ops[k];
            var parameters = p[..GateInfo.ParameterCount(op.Kind)];
            op.BindParameters(theta, parameters);
            if (k == shiftedOperation) parameters[0] += delta;
            u = GateMatrices.Target(op.Kind, parameters) * u;
        }
        return u;
    }

    /// <summary>Adds scale · dE/da of every parametrised gate of the group into <paramref name="gradient"/>.</summary>
    public static void AddDerivatives(IReadOnlyList<ParametricOperation> ops, int[] group, ReadOnlySpan<double> theta,
        in Matrix2x2 s, Span<double> gradient)
    {
        Span<double> p = stackalloc double[ParametricCircuit.MaxGateParameters];
        var suffix = Matrix2x2.Identity; // L_j: the gates after j
        for (int j = group.Length - 1; j >= 0; j--)
        {
            var op = ops[group[j]];
            var parameters = p[..GateInfo.ParameterCount(op.Kind)];
            op.BindParameters(theta, parameters);
            var g = GateMatrices.Target(op.Kind, parameters);
            if (op.IsParametric)
            {
                var a = suffix * GateDerivatives.TargetDerivative(op.Kind, parameters) * g.Adjoint() * suffix.Adjoint();
                Complex trace = a.M00 * s.M00 + a.M01 * s.M10 + a.M10 * s.M01 + a.M11 * s.M11;
                gradient[op.ParameterIndex] += op.Scale * 2 * trace.Real;
            }
            suffix *= g;
        }
    }
}
