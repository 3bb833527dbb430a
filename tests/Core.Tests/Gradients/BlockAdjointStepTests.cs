using System.Numerics;
using QD3PM.Core.Gradients;
using QD3PM.Core.Simulation;
using QD3PM.Core.Tests.Simulation;
using Xunit;

namespace QD3PM.Core.Tests.Gradients;

/// <summary>The fused backward step of a single-qubit block against plain sums and a dense rewind, SIMD and scalar.</summary>
public sealed class BlockAdjointStepTests
{
    [Theory]
    [InlineData(true, 2)]
    [InlineData(true, 3)]
    [InlineData(true, 6)]
    [InlineData(false, 2)]
    [InlineData(false, 5)]
    public void Overlap_matrix_and_rewind_match_the_reference_on_every_qubit(bool simd, int n)
    {
        var rng = new Random(n * 10 + (simd ? 1 : 0));
        var options = new SimulatorOptions { Simd = simd, Threads = 1 };
        for (int q = 0; q < n; q++)
        {
            var psi = DenseReference.RandomStateVector(n, rng, options);
            var lambda = DenseReference.RandomStateVector(n, rng, options);
            var p0 = psi.Amplitudes.ToArray();
            var l0 = lambda.Amplitudes.ToArray();
            var angles = DenseReference.RandomAngles(3, rng);
            var u = GateMatrices.U3(angles[0], angles[1], angles[2]);

            var s = BlockAdjointStep.Run(lambda, psi, q, u);

            // S_ab = Σ over index pairs (bit q = 0 / 1) of ψ_a conj(λ_b).
            var expected = new Complex[2, 2];
            for (int i = 0; i < p0.Length; i++)
            {
                if ((i >> q & 1) == 1) continue;
                int[] pair = [i, i | 1 << q];
                for (int a = 0; a < 2; a++)
                    for (int b = 0; b < 2; b++)
                        expected[a, b] += p0[pair[a]] * Complex.Conjugate(l0[pair[b]]);
            }
            Close(expected[0, 0], s.M00); Close(expected[0, 1], s.M01); Close(expected[1, 0], s.M10); Close(expected[1, 1], s.M11);

            var dense = DenseReference.Embed(n, [q], Dense(u));
            var psiExpected = dense * MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.DenseOfArray(p0);
            var lambdaExpected = dense * MathNet.Numerics.LinearAlgebra.Vector<Complex>.Build.DenseOfArray(l0);
            Assert.True(DenseReference.MaxDistance(psi.Amplitudes, psiExpected) < 1e-13, $"ψ rewound on qubit {q}");
            Assert.True(DenseReference.MaxDistance(lambda.Amplitudes, lambdaExpected) < 1e-13, $"λ rewound on qubit {q}");
        }
    }

    private static void Close(Complex expected, Complex actual) =>
        Assert.True((expected - actual).Magnitude < 1e-12, $"expected {expected}, got {actual}");

    private static MathNet.Numerics.LinearAlgebra.Matrix<Complex> Dense(Matrix2x2 m) =>
        MathNet.Numerics.LinearAlgebra.Matrix<Complex>.Build.DenseOfArray(new[,] { { m.M00, m.M01 }, { m.M10, m.M11 } });
}
