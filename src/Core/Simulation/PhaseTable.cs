using System.Numerics;
using QD3PM.Core.Simulation.Kernels;

namespace QD3PM.Core.Simulation;

/// <summary>
/// The diagonal of a product of one- and two-qubit diagonal gates (RZ, P, ZZ, RZZ, CZ, CP, CRZ, ...), built in about
/// 4·2^n complex multiplications however many gates there are, so a layer of n(n-1)/2 ZZ entanglers costs one table
/// and one pass over the state instead of n(n-1)/2 passes.
/// How: gates are grouped by their highest qubit k. The table over qubits 0..k is the table over 0..k-1 times
/// g_b(i) for bit k = b, where g_b is a product over the lower qubits a coupled to k of a factor that depends on
/// bit a only: a product state, built by doubling (2^k multiplications).
/// Not thread-safe; reuse one instance per thread (nothing is allocated after construction).
/// </summary>
internal sealed class PhaseTable
{
    private readonly Complex[] _values;
    private readonly Complex[] _scratch;
    private readonly Complex[] _single;   // [2k + b]: product of the one-qubit factors on qubit k
    private readonly Complex[] _pair;     // [4(k n + a) + ba + 2 bk]: product of the factors on (a, k), a < k
    private readonly bool[] _hasPair;     // [k n + a]
    private readonly bool[] _hasAny;      // [k]: some factor has k as its highest qubit

    public PhaseTable(int qubits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(qubits, 1);
        QubitCount = qubits;
        _values = GC.AllocateArray<Complex>(1 << qubits, pinned: true); // kernels take its address
        _scratch = new Complex[Math.Max(1, 1 << (qubits - 1))];
        _single = new Complex[2 * qubits];
        _pair = new Complex[4 * qubits * qubits];
        _hasPair = new bool[qubits * qubits];
        _hasAny = new bool[qubits];
        Clear();
    }

    public int QubitCount { get; }

    /// <summary>The diagonal after <see cref="Build"/>: entry i multiplies amplitude i.</summary>
    public ReadOnlySpan<Complex> Values => _values;

    /// <summary>Start of the pinned <see cref="Values"/>, for kernels.</summary>
    internal unsafe double* Address => (double*)System.Runtime.CompilerServices.Unsafe.AsPointer(
        ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(_values));

    /// <summary>Forgets every factor (the identity).</summary>
    public void Clear()
    {
        for (int i = 0; i < _single.Length; i++) _single[i] = Complex.One;
        Array.Clear(_hasPair);
        Array.Clear(_hasAny);
    }

    /// <summary>Multiplies in diag(d0, d1) on qubit q.</summary>
    public void MultiplySingle(int q, Complex d0, Complex d1)
    {
        CheckQubit(q);
        _single[2 * q] *= d0;
        _single[2 * q + 1] *= d1;
        _hasAny[q] = true;
    }

    /// <summary>Multiplies in the two-qubit diagonal with entry d[bit_a + 2 bit_b] (a ≠ b, any order).</summary>
    public void MultiplyPair(int a, int b, Complex d00, Complex d10, Complex d01, Complex d11)
    {
        CheckQubit(a);
        CheckQubit(b);
        if (a == b) throw new ArgumentException($"qubit {a} given twice");
        if (a > b)
        {
            // Re-index so the lower qubit comes first: entry [bit_b + 2 bit_a] of the swapped pair.
            (a, b) = (b, a);
            (d10, d01) = (d01, d10);
        }
        int slot = b * QubitCount + a;
        if (!_hasPair[slot])
        {
            _hasPair[slot] = true;
            _pair[4 * slot] = d00; _pair[4 * slot + 1] = d10; _pair[4 * slot + 2] = d01; _pair[4 * slot + 3] = d11;
        }
        else
        {
            _pair[4 * slot] *= d00; _pair[4 * slot + 1] *= d10; _pair[4 * slot + 2] *= d01; _pair[4 * slot + 3] *= d11;
        }
        _hasAny[b] = true;
    }

    /// <summary>Computes <see cref="Values"/> from the factors given since the last <see cref="Clear"/>.</summary>
    public void Build()
    {
        int n = QubitCount;
        var t = _values.AsSpan();
        t[0] = Complex.One;
        int size = 1;
        for (int k = 0; k < n; k++)
        {
            var low = t[..size];
            var high = t.Slice(size, size);
            if (!_hasAny[k])
            {
                low.CopyTo(high);
            }
            else
            {
                // Upper half (bit k = 1) from the old lower half first, then the lower half in place.
                var g = _scratch.AsSpan(0, size);
                Factor(k, 1, g);
                ComplexSpans.Multiply(low, g, high);
                Factor(k, 0, g);
                ComplexSpans.Multiply(low, g, low);
            }
            size *= 2;
        }
    }

    /// <summary>g(i) = single_k(b) · Π_a pair_{a,k}(bit_a(i), b) over i in [0, 2^k), by doubling over a.</summary>
    private void Factor(int k, int b, Span<Complex> g)
    {
        int n = QubitCount;
        Complex first = _single[2 * k + b];
        for (int a = 0; a < k; a++)
            if (_hasPair[k * n + a]) first *= _pair[4 * (k * n + a) + 2 * b];
        g[0] = first;
        int length = 1;
        for (int a = 0; a < k; a++)
        {
            int slot = k * n + a;
            var dst = g.Slice(length, length);
            if (!_hasPair[slot])
            {
                g[..length].CopyTo(dst);
            }
            else
            {
                // Unit-modulus entries: the ratio of bit a = 1 to bit a = 0 is one multiplication by the conjugate.
                var ratio = _pair[4 * slot + 2 * b + 1] * Complex.Conjugate(_pair[4 * slot + 2 * b]);
                ComplexSpans.Scale(g[..length], ratio, dst);
            }
            length *= 2;
        }
    }

    private void CheckQubit(int q)
    {
        if ((uint)q >= (uint)QubitCount)
            throw new ArgumentOutOfRangeException(nameof(q), $"qubit {q} out of range 0..{QubitCount - 1}");
    }
}
