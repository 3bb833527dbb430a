using QD3PM.Core.Baselines;

namespace QD3PM.Core.Training;

/// <summary>Rebuilds a generative model from a spec and its trained parameters (model.json).</summary>
public static class TrainedModelFactory
{
    public static ITrainedModel Create(TrainingSpec spec, double[] parameters) => TrainingProblemFactory.Create(spec) switch
    {
        QD3PMProblem q => new QD3PMModel(q, parameters),
        FactorizedDiffusionProblem f => new FactorizedModel(f, parameters),
        var other => throw new ArgumentException($"model '{spec.Model}' has no generative form ({other.GetType().Name})"),
    };
}
