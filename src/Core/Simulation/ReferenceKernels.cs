using System.Numerics;

namespace QD3PM.Core.Simulation;

/// <summary>
/// Plain, general kernels: any single-target matrix under any controls, and any dense k-qubit unitary. Slow but
/// obviously correct; the fast specialised kernels are tested against these at sizes above the threading threshold.
/// </summary>
internal static class ReferenceKernels
{
    /// <summary>Inserts a zero bit at each of the (ascending) positions into <paramref name="k"/>.</summary>
    public static long InsertZeroBits(long k, ReadOnlySpan<int> sortedPositions)
    {
        foreach (int p in sortedPositions)
            k = ((k >> p) << (p + 1)) | (k & ((1L << p) - 1));
        return k;
    }

    public static void ApplyControlledMatrix(Span<Complex> a, int n, ReadOnlySpan<int> controls, int q, in Matrix2x2 m)
    {
        Span<int> positions = stackalloc int[controls.Length + 1];
        long controlMask = 0;
        for (int i = 0; i < controls.Length; i++)
        {
            positions[i] = controls[i];
            controlMask |= 1L << controls[i];
        }
        positions[^1] = q;
        positions.Sort();
        long bit = 1L << q;
        long count = 1L << (n - positions.Length);
        for (long k = 0; k < count; k++)
        {
            long i0 = InsertZeroBits(k, positions) | controlMask;
            long i1 = i0 | bit;
            Complex a0 = a[(int)i0], a1 = a[(int)i1];
            a[(int)i0] = m.M00 * a0 + m.M01 * a1;
            a[(int)i1] = m.M10 * a0 + m.M11 * a1;
        }
    }

    /// <summary>Applies a 2^m x 2^m unitary whose local index bit j is qubit qubits[j].</summary>
    public static void ApplyUnitary(Span<Complex> a, int n, ReadOnlySpan<int> qubits, Complex[,] u)
    {
        int m = qubits.Length;
        int dim = 1 << m;
        if (u.GetLength(0) != dim || u.GetLength(1) != dim)
            throw new ArgumentException($"a gate on {m} qubits needs a {dim}x{dim} matrix");
        Span<int> positions = stackalloc int[m];
        qubits.CopyTo(positions);
        positions.Sort();
        Span<long> offsets = stackalloc long[dim];
        for (int local = 0; local < dim; local++)
        {
            long offset = 0;
            for (int j = 0; j < m; j++)
                if ((local & (1 << j)) != 0) offset |= 1L << qubits[j];
            offsets[local] = offset;
        }
        Span<Complex> input = stackalloc Complex[dim];
        long count = 1L << (n - m);
        for (long k = 0; k < count; k++)
        {
            long baseIndex = InsertZeroBits(k, positions);
            for (int local = 0; local < dim; local++) input[local] = a[(int)(baseIndex | offsets[local])];
            for (int r = 0; r < dim; r++)
            {
                Complex sum = Complex.Zero;
                for (int c = 0; c < dim; c++) sum += u[r, c] * input[c];
                a[(int)(baseIndex | offsets[r])] = sum;
            }
        }
    }
}
