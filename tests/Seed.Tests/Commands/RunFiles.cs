using System.Text.Json;
using QD3PM.Core.Training;
using QD3PM.Tests.Shared;

namespace QD3PM.Seed.Tests.Commands;

/// <summary>What a `qd3pm train` output directory holds, and the oracle its model.json is compared against.</summary>
public static class RunFiles
{
    /// <summary>The parameters the independent reference trainer reaches on the directory's spec.json.</summary>
    public static double[] Reference(string runDir)
    {
        var spec = TrainingSpecJson.Deserialize(File.ReadAllText(Path.Combine(runDir, "spec.json")));
        return ReferenceTrainer.Train(ProblemCatalog.Paper.Build(spec)).Parameters;
    }

    /// <summary>The trained parameters in the directory's model.json.</summary>
    public static double[] Parameters(string runDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "model.json")));
        return doc.RootElement.GetProperty("parameters").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }
}
