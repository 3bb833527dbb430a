using QD3PM.Core.Training;

namespace QD3PM.Nodes.Training;

/// <summary>
/// The catalog of models a node trains: the paper's models plus the stand-in workloads of cluster tests and
/// benchmarks (<see cref="SyntheticGradientProblem"/> and <see cref="CircuitBenchmarkProblem"/>).
/// </summary>
public static class StandInProblems
{
    /// <summary>What the `node` command, the embedded run and the benchmarks use.</summary>
    public static ProblemCatalog Catalog { get; } = ProblemCatalog.Paper
        .With(SyntheticGradientProblem.ModelName, spec => new SyntheticGradientProblem(spec))
        .With(CircuitBenchmarkProblem.ModelName, spec => new CircuitBenchmarkProblem(spec));

    /// <summary>A fresh cache over <see cref="Catalog"/> (one per process: the problems of its runs).</summary>
    public static ProblemCache NewCache() => new(Catalog);
}
