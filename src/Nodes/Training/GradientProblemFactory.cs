using QD3PM.Core.Training;

namespace QD3PM.Nodes.Training;

/// <summary>
/// Builds the gradient problem of a run from its spec. The coordinator uses it for the initial state and the optimizer
/// step, workers for evaluating items; every node of a cluster must use the same function (same binary).
/// Throws <see cref="ArgumentException"/> (or <see cref="FormatException"/>) for a spec it cannot build.
/// </summary>
public delegate IGradientProblem GradientProblemFactory(TrainingSpec spec);
