using QD3PM.Core.Circuits;

namespace QD3PM.Core.Gradients;

/// <summary>
/// One gate of a <see cref="ParametricCircuit"/>. When <see cref="ParameterIndex"/> is non-negative the gate's FIRST
/// angle is <c>Scale * theta[ParameterIndex] + Offset</c> and <see cref="Constants"/> holds its remaining parameters;
/// otherwise <see cref="Constants"/> holds all of them and the gate is fixed.
/// </summary>
public sealed record ParametricOperation(
    GateKind Kind, int[] Qubits, double[] Constants, int ParameterIndex = -1, double Scale = 1, double Offset = 0)
{
    /// <summary>True when the gate's first angle depends on a trainable parameter.</summary>
    public bool IsParametric => ParameterIndex >= 0;

    /// <summary>A fixed gate (H, CX, or a rotation by a constant angle).</summary>
    public static ParametricOperation Fixed(GateKind kind, double[] parameters, params int[] qubits) =>
        new(kind, qubits, parameters);

    /// <summary>A one-angle gate whose angle is <c>scale * theta[parameterIndex] + offset</c>.</summary>
    public static ParametricOperation Rotation(GateKind kind, int parameterIndex, int[] qubits, double scale = 1, double offset = 0) =>
        new(kind, qubits, [], parameterIndex, scale, offset);

    /// <summary>Writes the gate's full parameter list for <paramref name="theta"/> into <paramref name="destination"/>.</summary>
    internal void BindParameters(ReadOnlySpan<double> theta, Span<double> destination)
    {
        if (ParameterIndex >= 0)
        {
            destination[0] = Scale * theta[ParameterIndex] + Offset;
            Constants.AsSpan().CopyTo(destination[1..]);
        }
        else
        {
            Constants.AsSpan().CopyTo(destination);
        }
    }
}
