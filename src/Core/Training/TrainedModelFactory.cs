using QD3PM.Core.Baselines;

namespace QD3PM.Core.Training;

/// <summary>Rebuilds a generative model from a spec (or its already built problem) and trained parameters (model.json).</summary>
public static class TrainedModelFactory
{
    public static ITrainedModel Create(TrainingSpec spec, double[] parameters) => Create(ProblemCatalog.Paper.Build(spec), parameters);

    public static ITrainedModel Create(IGradientProblem problem, double[] parameters) => problem switch
    {
        QD3PMProblem q => new QD3PMModel(q, parameters),
        FactorizedDiffusionProblem f => new FactorizedModel(f, parameters),
        _ => throw new InvalidSpecException($"model '{problem.Spec.Model}' has no generative form"),
    };
}
