namespace QD3PM.Core.Training;

/// <summary>
/// A training run as a pure, deterministic step function. The coordinator (local or clustered) asks it for the
/// initial state, fans out <see cref="Evaluate"/> calls (one per sample x parameter block) and ends the step with
/// <see cref="StepRule"/> (fixed-order sum, mean, one step of <see cref="Optimizer"/>).
/// Randomness derives only from (seed, step, sample), so the result never depends on who evaluated what.
/// </summary>
public interface IGradientProblem
{
    TrainingSpec Spec { get; }

    int ParameterCount { get; }

    /// <summary>Number of independent samples (work units) per optimizer step.</summary>
    int SamplesPerStep { get; }

    TrainerState InitialState();

    /// <summary>
    /// Loss of sample <paramref name="sample"/> at optimizer step <paramref name="step"/> (0-based, the step being
    /// computed) and its gradient over <paramref name="block"/>. Thread-safe: workers call it concurrently.
    /// </summary>
    SampleGradient Evaluate(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block, GradientMethod method);

    /// <summary>The run's optimizer and learning-rate schedule (used by <see cref="StepRule"/>).</summary>
    Optimization.Adam Optimizer { get; }
}
