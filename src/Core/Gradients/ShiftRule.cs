namespace QD3PM.Core.Gradients;

/// <summary>
/// Two-term parameter-shift rule for a gate angle a: df/da = Coefficient * (f(a + Shift) - f(a - Shift)).
/// Exact for gates exp(-i a G) whose generator G has two eigenvalues ±r (then Shift = π/(4r), Coefficient = r).
/// </summary>
public sealed record ShiftRule(double Shift, double Coefficient);
