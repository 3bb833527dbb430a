using QD3PM.Core.Training;

namespace QD3PM.Tests.Shared;

/// <summary>
/// The oracle every training path is compared with: a plain single-threaded loop written out here, independently of
/// the product's StepAggregator, StepRule and Adam: items evaluated one after the other, summed sample ascending then
/// block ascending, the mean gradient fed to Adam (Kingma and Ba) with the cosine learning-rate decay, restated
/// from the paper's formulas with the problem's hyper-parameters. Linked into every test project (tests/Directory.Build.props).
/// </summary>
internal static class ReferenceTrainer
{
    public static TrainerState Train(IGradientProblem problem, IReadOnlyList<ParameterRange>? blocks = null, long? steps = null)
    {
        blocks ??= [ParameterRange.All(problem.ParameterCount)];
        var adam = problem.Optimizer;
        var state = problem.InitialState();
        int n = problem.ParameterCount;
        while (state.Step < (steps ?? problem.Spec.Steps))
        {
            var sum = new double[n];
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
            long t = state.Step;
            double progress = adam.TotalSteps <= 0 ? 1 : Math.Min(1.0, (double)t / adam.TotalSteps);
            double rate = adam.FinalLearningRate + 0.5 * (adam.LearningRate - adam.FinalLearningRate) * (1 + Math.Cos(Math.PI * progress));
            double c1 = 1 - Math.Pow(adam.Beta1, t + 1), c2 = 1 - Math.Pow(adam.Beta2, t + 1);
            var theta = new double[n];
            var m = new double[n];
            var v = new double[n];
            for (int i = 0; i < n; i++)
            {
                double g = sum[i] / problem.SamplesPerStep;
                m[i] = adam.Beta1 * state.FirstMoment[i] + (1 - adam.Beta1) * g;
                v[i] = adam.Beta2 * state.SecondMoment[i] + (1 - adam.Beta2) * g * g;
                theta[i] = state.Parameters[i] - rate * (m[i] / c1) / (Math.Sqrt(v[i] / c2) + adam.Epsilon);
            }
            state = new TrainerState(t + 1, theta, m, v, loss / problem.SamplesPerStep);
        }
        return state;
    }
}
