using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

public sealed class CircuitBenchmarkProblemTests
{
    [Fact]
    public void Block_parameter_shift_gradients_agree_with_full_adjoint()
    {
        var spec = new TrainingSpec { Model = CircuitBenchmarkProblem.ModelName, Dataset = "circuit:4", Layers = 2, Batch = 2, Seed = 3 };
        var problem = new CircuitBenchmarkProblem(spec);
        Assert.Equal(2 * (3 * 4 + 6), problem.ParameterCount);
        var theta = problem.InitialState().Parameters;

        var adjoint = problem.Evaluate(theta, 5, 1, ParameterRange.All(problem.ParameterCount), GradientMethod.Adjoint);
        foreach (var block in ParameterRange.Split(problem.ParameterCount, 3))
        {
            var shift = problem.Evaluate(theta, 5, 1, block, GradientMethod.Shift);
            Assert.Equal(adjoint.Loss, shift.Loss, 12);
            Assert.Equal(1 + 2L * block.Count, shift.CircuitEvaluations);
            for (int i = 0; i < block.Count; i++)
                Assert.Equal(adjoint.Gradient[block.Start + i], shift.Gradient[i], 10);
        }
        // another sample draws another observable
        Assert.NotEqual(adjoint.Loss, problem.Evaluate(theta, 5, 0, ParameterRange.All(problem.ParameterCount), GradientMethod.Adjoint).Loss);
    }
}
