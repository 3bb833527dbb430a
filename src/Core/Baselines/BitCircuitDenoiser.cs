using System.Collections.Concurrent;
using QD3PM.Core.Circuits;
using QD3PM.Core.Gradients;

namespace QD3PM.Core.Baselines;

/// <summary>
/// The factorised quantum baseline: one small circuit per bit. Circuit n has two qubits, the bit's own (qubit 0) and
/// an ancilla carrying the time step (qubit 1, RY(2πt/(T+1)) as in the QD3PM denoiser); x_t[n] is loaded with a
/// trainable RY(θ x_t[n]), then L layers of RX-RY-RX on both qubits and a trainable ZZ between them. p_n is the
/// probability of reading 1 on qubit 0. Circuits share nothing, so the output is a product distribution.
/// Parameter layout: bit-major blocks of 1 + 7L.
/// </summary>
public sealed class BitCircuitDenoiser : IBitwiseDenoiser
{
    private static readonly double[] ReadOne = [0, 1, 0, 1];
    private readonly ConcurrentDictionary<(int Bit, int T), ParametricCircuit> _circuits = new();
    private readonly ThreadLocal<AdjointWorkspace> _workspace = new(() => new AdjointWorkspace(2));

    public BitCircuitDenoiser(int bits, int layers, int timeSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(layers);
        Bits = bits;
        Layers = layers;
        TimeSteps = timeSteps;
        PerBit = 1 + 7 * layers;
        ParameterCount = bits * PerBit;
    }

    public int Bits { get; }
    public int Layers { get; }
    public int TimeSteps { get; }
    public int PerBit { get; }
    public int ParameterCount { get; }

    public double[] InitialParameters(Func<double> gaussian)
    {
        // The QD3PM initialisation scale for L layers of three rotations.
        double sd = Math.Sqrt(1.0 / (4 * (3 * (Layers - 1) + 2)));
        var theta = new double[ParameterCount];
        for (int i = 0; i < theta.Length; i++) theta[i] = sd * gaussian();
        return theta;
    }

    public void Forward(ReadOnlySpan<double> parameters, int xt, int t, Span<double> ones)
    {
        Check(parameters);
        var state = _workspace.Value!.State;
        for (int n = 0; n < Bits; n++)
        {
            state.Reset();
            Circuit(xt >> n & 1, t).Run(state, parameters.Slice(n * PerBit, PerBit));
            ones[n] = state.ExpectationDiagonal(ReadOne);
        }
    }

    public void Backward(ReadOnlySpan<double> parameters, int xt, int t, ReadOnlySpan<double> lossByOne, Span<double> gradient)
    {
        Check(parameters);
        Span<double> local = stackalloc double[PerBit];
        var workspace = _workspace.Value!;
        for (int n = 0; n < Bits; n++)
        {
            local.Clear();
            AdjointDifferentiation.ExpectationAndGradient(Circuit(xt >> n & 1, t), parameters.Slice(n * PerBit, PerBit), ReadOne, local, workspace);
            var target = gradient.Slice(n * PerBit, PerBit);
            for (int i = 0; i < PerBit; i++) target[i] += lossByOne[n] * local[i];
        }
    }

    private ParametricCircuit Circuit(int bit, int t) => _circuits.GetOrAdd((bit, t), key =>
    {
        var c = new ParametricCircuit(2, PerBit);
        if (key.Bit == 1) c.Rotation(GateKind.RY, 0, [0]);
        c.Fixed(GateKind.RY, [2 * Math.PI * key.T / (TimeSteps + 1)], 1);
        int p = 1;
        for (int l = 0; l < Layers; l++)
        {
            for (int q = 0; q < 2; q++)
            {
                c.Rotation(GateKind.RX, p++, [q]);
                c.Rotation(GateKind.RY, p++, [q]);
                c.Rotation(GateKind.RX, p++, [q]);
            }
            c.Rotation(GateKind.ZZ, p++, [0, 1]);
        }
        return c;
    });

    private void Check(ReadOnlySpan<double> parameters)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"expected {ParameterCount} parameters, got {parameters.Length}");
    }
}
