namespace QD3PM.Core.Baselines;

/// <summary>
/// The classical D3PM baseline's network: a one-hidden-layer perceptron from (x_t as ±1 per bit, t/T, sin πt/T,
/// cos πt/T) through tanh units to one logit per bit, p_n = sigmoid(logit_n). Its output is factorised, as in the
/// classical D3PM the paper compares against. Parameter layout: W1 [H x (N+3)] row-major, b1 [H], W2 [N x H], b2 [N].
/// </summary>
public sealed class MlpDenoiser : IBitwiseDenoiser
{
    public const int DefaultHidden = 32;
    private const int TimeFeatures = 3;

    public MlpDenoiser(int bits, int timeSteps, int hidden = DefaultHidden)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(hidden);
        Bits = bits;
        TimeSteps = timeSteps;
        Hidden = hidden;
        Inputs = bits + TimeFeatures;
        ParameterCount = hidden * Inputs + hidden + bits * hidden + bits;
    }

    public int Bits { get; }
    public int TimeSteps { get; }
    public int Hidden { get; }
    public int Inputs { get; }
    public int ParameterCount { get; }

    private int B1 => Hidden * Inputs;
    private int W2 => B1 + Hidden;
    private int B2 => W2 + Bits * Hidden;

    public double[] InitialParameters(Func<double> gaussian)
    {
        // Xavier-like scales keep tanh units out of saturation; biases start at zero (p_n = 1/2 is not forced).
        var theta = new double[ParameterCount];
        double s1 = 1 / Math.Sqrt(Inputs), s2 = 1 / Math.Sqrt(Hidden);
        for (int i = 0; i < B1; i++) theta[i] = s1 * gaussian();
        for (int i = W2; i < B2; i++) theta[i] = s2 * gaussian();
        return theta;
    }

    public void Forward(ReadOnlySpan<double> parameters, int xt, int t, Span<double> ones)
    {
        Span<double> input = stackalloc double[Inputs];
        Span<double> hidden = stackalloc double[Hidden];
        Run(parameters, xt, t, input, hidden, ones);
    }

    public void Backward(ReadOnlySpan<double> parameters, int xt, int t, ReadOnlySpan<double> lossByOne, Span<double> gradient)
    {
        Span<double> input = stackalloc double[Inputs];
        Span<double> hidden = stackalloc double[Hidden];
        Span<double> ones = stackalloc double[Bits];
        Span<double> hiddenGrad = stackalloc double[Hidden];
        Run(parameters, xt, t, input, hidden, ones);
        hiddenGrad.Clear();
        for (int n = 0; n < Bits; n++)
        {
            // dp/dlogit = p(1 - p) for the sigmoid.
            double g = lossByOne[n] * ones[n] * (1 - ones[n]);
            gradient[B2 + n] += g;
            int row = W2 + n * Hidden;
            for (int h = 0; h < Hidden; h++)
            {
                gradient[row + h] += g * hidden[h];
                hiddenGrad[h] += g * parameters[row + h];
            }
        }
        for (int h = 0; h < Hidden; h++)
        {
            double g = hiddenGrad[h] * (1 - hidden[h] * hidden[h]);
            gradient[B1 + h] += g;
            int row = h * Inputs;
            for (int i = 0; i < Inputs; i++) gradient[row + i] += g * input[i];
        }
    }

    private void Run(ReadOnlySpan<double> parameters, int xt, int t, Span<double> input, Span<double> hidden, Span<double> ones)
    {
        if (parameters.Length != ParameterCount)
            throw new ArgumentException($"expected {ParameterCount} parameters, got {parameters.Length}");
        for (int n = 0; n < Bits; n++) input[n] = (xt >> n & 1) == 1 ? 1 : -1;
        double phase = Math.PI * t / TimeSteps;
        input[Bits] = (double)t / TimeSteps;
        input[Bits + 1] = Math.Sin(phase);
        input[Bits + 2] = Math.Cos(phase);
        for (int h = 0; h < Hidden; h++)
        {
            double z = parameters[B1 + h];
            int row = h * Inputs;
            for (int i = 0; i < Inputs; i++) z += parameters[row + i] * input[i];
            hidden[h] = Math.Tanh(z);
        }
        for (int n = 0; n < Bits; n++)
        {
            double z = parameters[B2 + n];
            int row = W2 + n * Hidden;
            for (int h = 0; h < Hidden; h++) z += parameters[row + h] * hidden[h];
            ones[n] = 1 / (1 + Math.Exp(-z));
        }
    }
}
