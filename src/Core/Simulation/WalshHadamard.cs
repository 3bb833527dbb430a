using System.Runtime.Intrinsics;

namespace QD3PM.Core.Simulation;

/// <summary>
/// The unnormalised Walsh–Hadamard transform in place (its own inverse up to a factor of the length): the MMD's kernel
/// is diagonal in it, and the gradients of a diagonal run come from it. The first two levels run as scalar
/// radix-4 butterflies within four neighbours, the rest two levels per pass over whole vectors (half the passes of
/// radix 2, which matters once the array leaves the cache at 17+ qubits).
/// </summary>
public static class WalshHadamard
{
    /// <summary>Transforms <paramref name="v"/> in place; its length must be a power of two.</summary>
    public static unsafe void Transform(Span<double> v)
    {
        int n = v.Length;
        if (n == 0 || (n & (n - 1)) != 0) throw new ArgumentException($"length {n} is not a power of two");
        if (n == 1) return;
        fixed (double* p = v)
        {
            if (n == 2)
            {
                double a = p[0], b = p[1];
                p[0] = a + b;
                p[1] = a - b;
                return;
            }
            for (int i = 0; i < n; i += 4)
            {
                double a = p[i], b = p[i + 1], c = p[i + 2], d = p[i + 3];
                double s0 = a + b, s1 = a - b, s2 = c + d, s3 = c - d;
                p[i] = s0 + s2; p[i + 1] = s1 + s3; p[i + 2] = s0 - s2; p[i + 3] = s1 - s3;
            }
            int h = 4;
            for (; 4 * h <= n; h *= 4)
            {
                for (int block = 0; block < n; block += 4 * h)
                {
                    double* x0 = p + block, x1 = x0 + h, x2 = x1 + h, x3 = x2 + h;
                    for (int j = 0; j < h; j += 4)
                    {
                        var a = Vector256.Load(x0 + j); var b = Vector256.Load(x1 + j);
                        var c = Vector256.Load(x2 + j); var d = Vector256.Load(x3 + j);
                        var s0 = a + b; var s1 = a - b; var s2 = c + d; var s3 = c - d;
                        (s0 + s2).Store(x0 + j); (s1 + s3).Store(x1 + j);
                        (s0 - s2).Store(x2 + j); (s1 - s3).Store(x3 + j);
                    }
                }
            }
            if (h < n)
            {
                // One radix-2 level left (an odd number of levels above the first two).
                for (int j = 0; j < h; j += 4)
                {
                    var a = Vector256.Load(p + j); var b = Vector256.Load(p + h + j);
                    (a + b).Store(p + j);
                    (a - b).Store(p + h + j);
                }
            }
        }
    }
}
