using QD3PM.Core.Training;

namespace QD3PM.Nodes.Training;

/// <summary>Composes the problem factory every node uses: the synthetic workload plus the quantum model's factory.</summary>
public static class ProblemFactories
{
    /// <summary>The factory of this build (the `node` command and the embedded runner use it).</summary>
    public static GradientProblemFactory Default { get; } = WithSynthetic(TrainingProblemFactory.Create);

    /// <summary>
    /// Spec Model "synthetic" builds <see cref="SyntheticGradientProblem"/>, "circuit-benchmark" <see cref="CircuitBenchmarkProblem"/>; any other model goes to
    /// <paramref name="model"/> (the QD3PM model factory), or is refused when none is given.
    /// </summary>
    public static GradientProblemFactory WithSynthetic(GradientProblemFactory? model) => spec => spec.Model switch
    {
        SyntheticGradientProblem.ModelName => new SyntheticGradientProblem(spec),
        CircuitBenchmarkProblem.ModelName => new CircuitBenchmarkProblem(spec),
        _ => model?.Invoke(spec) ?? throw new NotSupportedException($"model '{spec.Model}' is not available in this build"),
    };
}
