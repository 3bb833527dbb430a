using QD3PM.Core.Training;
using QD3PM.Tests.Shared;
using Xunit;

namespace QD3PM.Core.Tests.Training;

/// <summary>The one step rule (fixed-order sum, mean, Adam) against the independent reference trainer.</summary>
public sealed class StepRuleTests
{
    [Theory]
    [InlineData(ProblemCatalog.Qd3pm, 1)]
    [InlineData(ProblemCatalog.Qd3pm, 3)]
    [InlineData(ProblemCatalog.ClassicalD3pm, 1)]
    [InlineData(ProblemCatalog.FactorizedQuantum, 2)]
    public void The_in_process_loop_matches_the_reference_trainer_bit_for_bit(string model, int blockCount)
    {
        var spec = new TrainingSpec { Dataset = "bas:2x2", Model = model, Layers = 2, Steps = 12, Batch = 3, TimeSteps = 6, Seed = 5, LearningRate = 0.02 };
        var problem = ProblemCatalog.Paper.Build(spec);
        var blocks = ParameterRange.Split(problem.ParameterCount, blockCount);
        var state = problem.InitialState();
        while (state.Step < spec.Steps)
            state = LocalTrainer.Step(problem, state, blocks, spec.Gradient);
        var expected = ReferenceTrainer.Train(problem, blocks);
        Assert.Equal(expected.Parameters.Select(BitConverter.DoubleToInt64Bits), state.Parameters.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(expected.SecondMoment.Select(BitConverter.DoubleToInt64Bits), state.SecondMoment.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.LastLoss), BitConverter.DoubleToInt64Bits(state.LastLoss));
    }

    [Fact]
    public void The_loss_of_a_step_is_the_mean_over_the_batch()
    {
        var problem = ProblemCatalog.Paper.Build(new TrainingSpec { Dataset = "bas:2x2", Layers = 1, Batch = 4, Steps = 3, TimeSteps = 4 });
        var state = problem.InitialState();
        var all = ParameterRange.All(problem.ParameterCount);
        var results = new StepAggregator(0, 4, [all]);
        double sum = 0;
        for (int s = 0; s < 4; s++)
        {
            var g = problem.Evaluate(state.Parameters, 0, s, all, GradientMethod.Adjoint);
            sum += g.Loss;
            results.Add(s, 0, g);
        }
        Assert.Equal(sum / 4, StepRule.Apply(problem, state, results).LastLoss, 15);
    }

    [Fact]
    public void Results_of_another_step_are_refused()
    {
        var problem = ProblemCatalog.Paper.Build(new TrainingSpec { Dataset = "bas:2x2", Layers = 1, Batch = 1, Steps = 3, TimeSteps = 4 });
        var all = ParameterRange.All(problem.ParameterCount);
        var results = new StepAggregator(1, 1, [all]);
        results.Add(0, 0, problem.Evaluate(problem.InitialState().Parameters, 1, 0, all, GradientMethod.Adjoint));
        Assert.Throws<ArgumentException>(() => StepRule.Apply(problem, problem.InitialState(), results));
    }
}
