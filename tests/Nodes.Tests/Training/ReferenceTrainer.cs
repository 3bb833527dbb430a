using QD3PM.Core.Training;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>The plain single-threaded training loop the cluster must reproduce bit for bit.</summary>
internal static class ReferenceTrainer
{
    public static TrainerState Train(IGradientProblem problem, IReadOnlyList<ParameterRange> blocks)
    {
        var state = problem.InitialState();
        while (state.Step < problem.Spec.Steps)
        {
            var sum = new double[problem.ParameterCount];
            double loss = 0;
            for (int s = 0; s < problem.SamplesPerStep; s++)
            {
                for (int b = 0; b < blocks.Count; b++)
                {
                    var g = problem.Evaluate(state.Parameters, state.Step, s, blocks[b], problem.Spec.Gradient);
                    for (int i = 0; i < g.Gradient.Length; i++)
                        sum[blocks[b].Start + i] += g.Gradient[i];
                    if (b == 0) loss += g.Loss;
                }
            }
            state = problem.ApplyStep(state, sum, loss);
        }
        return state;
    }
}
