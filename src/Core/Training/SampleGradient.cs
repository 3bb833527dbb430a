namespace QD3PM.Core.Training;

/// <summary>
/// What one work item returns: the loss of one training sample and the gradient of that loss with respect to
/// the parameters of one block (Gradient[i] belongs to parameter Block.Start + i), plus how many circuit
/// evaluations it took (for throughput metrics).
/// </summary>
public sealed record SampleGradient(int Sample, ParameterRange Block, double Loss, double[] Gradient, long CircuitEvaluations);
