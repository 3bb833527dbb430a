using System.Globalization;
using QD3PM.Core.Optimization;
using QD3PM.Core.Training;

namespace QD3PM.Nodes.Training;

/// <summary>
/// A cheap, deterministic stand-in workload for cluster tests and benchmarks (spec Model "synthetic",
/// Dataset "synthetic:DIM[:DELAY_MS[:idle]]"): sample s of step t pulls the parameters towards a random target drawn from
/// (seed, t, s), loss 0.5 |theta - target|^2, Adam without decay. DELAY_MS keeps a core busy in every item to imitate a circuit
/// simulation; with ":idle" the item waits that long without using the CPU (an item of a remote QPU, or many simulated
/// workers on one machine in a test). The delay never changes the numbers.
/// It exercises exactly the same coordinator, worker and journal paths as the quantum model.
/// </summary>
public sealed class SyntheticGradientProblem : IGradientProblem
{
    public const string ModelName = "synthetic";

    private readonly int _delayMs;
    private readonly bool _idle;

    public SyntheticGradientProblem(TrainingSpec spec)
    {
        Spec = spec.Validate();
        var parts = spec.Dataset.Split(':');
        if (parts.Length is < 2 or > 4 || parts[0] != "synthetic"
            || !int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var dim) || dim <= 0
            || (parts.Length >= 3 && (!int.TryParse(parts[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out _delayMs) || _delayMs < 0))
            || (parts.Length == 4 && parts[3] != "idle"))
            throw new ArgumentException($"synthetic data set must be synthetic:DIM[:DELAY_MS[:idle]], not '{spec.Dataset}'");
        _idle = parts.Length == 4;
        ParameterCount = dim;
        Optimizer = new Adam(spec.LearningRate, spec.LearningRate, spec.Steps);
    }

    public TrainingSpec Spec { get; }
    public int ParameterCount { get; }
    public int SamplesPerStep => Spec.Batch;

    public TrainerState InitialState()
    {
        var rng = new Random(unchecked((int)Spec.Seed));
        var parameters = new double[ParameterCount];
        for (int i = 0; i < parameters.Length; i++)
            parameters[i] = rng.NextDouble() - 0.5;
        return TrainerState.Start(parameters);
    }

    public SampleGradient Evaluate(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block, GradientMethod method)
    {
        if (_delayMs > 0 && _idle)
            Thread.Sleep(_delayMs);
        else if (_delayMs > 0)
            BurnCpu(_delayMs);
        var target = Target(step, sample);
        double loss = 0;
        for (int i = 0; i < ParameterCount; i++)
            loss += 0.5 * (parameters[i] - target[i]) * (parameters[i] - target[i]);
        var gradient = new double[block.Count];
        for (int i = 0; i < block.Count; i++)
            gradient[i] = parameters[block.Start + i] - target[block.Start + i];
        long evaluations = method == GradientMethod.Shift ? 2L * block.Count + 1 : 1;
        return new SampleGradient(sample, block, loss, gradient, evaluations);
    }

    /// <summary>Plain Adam at the spec's learning rate (no decay).</summary>
    public Adam Optimizer { get; }

    private double[] Target(long step, int sample)
    {
        // HashCode.Combine is randomised per process, so mix the triple with a fixed SplitMix64 finaliser.
        var rng = new Random(Mix(Spec.Seed, step, sample));
        var target = new double[ParameterCount];
        for (int i = 0; i < target.Length; i++)
            target[i] = rng.NextDouble() * 2 - 1;
        return target;
    }

    /// <summary>Keeps one core busy for the given time, like a circuit simulation would (a sleep would not load the node).</summary>
    private static void BurnCpu(int milliseconds)
    {
        var until = System.Diagnostics.Stopwatch.GetTimestamp() + milliseconds * System.Diagnostics.Stopwatch.Frequency / 1000;
        double x = 1;
        while (System.Diagnostics.Stopwatch.GetTimestamp() < until)
        {
            for (int i = 0; i < 1000; i++)
                x = Math.Sqrt(x + i);
        }
        GC.KeepAlive(x);
    }

    internal static int Mix(long seed, long step, int sample)
    {
        unchecked
        {
            ulong z = (ulong)seed * 0x9E3779B97F4A7C15UL ^ (ulong)step * 0xBF58476D1CE4E5B9UL ^ (ulong)sample * 0x94D049BB133111EBUL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return (int)(z ^ (z >> 31));
        }
    }
}
