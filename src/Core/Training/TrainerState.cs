namespace QD3PM.Core.Training;

/// <summary>
/// The complete state of a training run after <see cref="Step"/> optimizer steps: enough to continue bit-identically.
/// Parameters and Adam moments are owned by the state (never mutated after construction).
/// </summary>
public sealed record TrainerState(long Step, double[] Parameters, double[] FirstMoment, double[] SecondMoment, double LastLoss)
{
    /// <summary>The state before step 0: the initial parameters, zero Adam moments, no loss yet.</summary>
    public static TrainerState Start(double[] parameters) =>
        new(0, parameters, new double[parameters.Length], new double[parameters.Length], double.NaN);
}
