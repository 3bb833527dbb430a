using QD3PM.Core.Data;

namespace QD3PM.Core.Training;

/// <summary>Rebuilds a generative model from a spec and its trained parameters (model.json).</summary>
public static class TrainedModelFactory
{
    public static ITrainedModel Create(TrainingSpec spec, double[] parameters) => spec.Model.ToLowerInvariant() switch
    {
        TrainingProblemFactory.QD3PM => new QD3PMModel(spec, DataSets.Parse(spec.Dataset, (int)spec.Seed), parameters),
        _ => throw new ArgumentException($"model '{spec.Model}' is not available (built in: {TrainingProblemFactory.QD3PM})"),
    };
}
