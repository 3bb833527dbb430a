using System.Numerics;

namespace QD3PM.Core.Simulation;

/// <summary>A 2x2 complex matrix [[M00, M01], [M10, M11]] acting on one qubit (row = output basis state).</summary>
public readonly struct Matrix2x2(Complex m00, Complex m01, Complex m10, Complex m11) : IEquatable<Matrix2x2>
{
    public Complex M00 { get; } = m00;
    public Complex M01 { get; } = m01;
    public Complex M10 { get; } = m10;
    public Complex M11 { get; } = m11;

    public static Matrix2x2 Identity => new(Complex.One, Complex.Zero, Complex.Zero, Complex.One);

    public bool IsDiagonal => M01 == Complex.Zero && M10 == Complex.Zero;

    /// <summary>True when every entry is real (RY, H, X, Z): kernels then skip the imaginary cross terms.</summary>
    public bool IsReal => M00.Imaginary == 0 && M01.Imaginary == 0 && M10.Imaginary == 0 && M11.Imaginary == 0;

    public Matrix2x2 Adjoint() =>
        new(Complex.Conjugate(M00), Complex.Conjugate(M10), Complex.Conjugate(M01), Complex.Conjugate(M11));

    /// <summary>Entry-wise complex conjugate (not transposed).</summary>
    public Matrix2x2 Conjugate() =>
        new(Complex.Conjugate(M00), Complex.Conjugate(M01), Complex.Conjugate(M10), Complex.Conjugate(M11));

    public Matrix2x2 Scale(Complex factor) => new(M00 * factor, M01 * factor, M10 * factor, M11 * factor);

    /// <summary>Matrix product this · other (apply <paramref name="other"/> first).</summary>
    public Matrix2x2 Multiply(in Matrix2x2 other) => new(
        M00 * other.M00 + M01 * other.M10, M00 * other.M01 + M01 * other.M11,
        M10 * other.M00 + M11 * other.M10, M10 * other.M01 + M11 * other.M11);

    public static Matrix2x2 operator *(in Matrix2x2 a, in Matrix2x2 b) => a.Multiply(b);

    public bool Equals(Matrix2x2 other) => M00 == other.M00 && M01 == other.M01 && M10 == other.M10 && M11 == other.M11;
    public override bool Equals(object? obj) => obj is Matrix2x2 m && Equals(m);
    public override int GetHashCode() => HashCode.Combine(M00, M01, M10, M11);
    public static bool operator ==(Matrix2x2 a, Matrix2x2 b) => a.Equals(b);
    public static bool operator !=(Matrix2x2 a, Matrix2x2 b) => !a.Equals(b);
    public override string ToString() => $"[[{M00}, {M01}], [{M10}, {M11}]]";
}
