using System.Text.Json;
using System.Text.Json.Nodes;
using QD3PM.Core.Diffusion;
using QD3PM.Core.Training;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.ModelFiles;

/// <summary>
/// DIR/model.json: everything needed to sample from a trained model — data set, settings (the TrainingSpec), seed,
/// schedule and "parameters" — plus the run's final figures. Written atomically (temp file, then rename).
/// </summary>
public sealed record ModelFile(TrainingSpec Spec, double[] Parameters, long Steps, double FinalLoss, string? RunId)
{
    public const string Format = "qd3pm-model/1";

    public void Save(string path, IReadOnlyDictionary<string, double>? figures = null)
    {
        var schedule = new CosineSchedule(Spec.TimeSteps);
        var json = new JsonObject
        {
            ["format"] = Format,
            ["dataset"] = Spec.Dataset,
            ["model"] = Spec.Model,
            ["mode"] = SpecNames.Of(Spec.Mode),
            ["seed"] = Spec.Seed,
            ["run_id"] = RunId,
            ["steps_completed"] = Steps,
            ["final_loss"] = double.IsFinite(FinalLoss) ? FinalLoss : null,
            ["settings"] = JsonNode.Parse(TrainingSpecJson.Serialize(Spec)),
            ["schedule"] = new JsonObject
            {
                ["kind"] = "cosine",
                ["s"] = schedule.Offset,
                ["T"] = schedule.TimeSteps,
                ["alpha_bar"] = new JsonArray(schedule.AlphaBars.Select(a => (JsonNode?)JsonValue.Create(a)).ToArray()),
            },
            ["parameters"] = new JsonArray(Parameters.Select(p => (JsonNode?)JsonValue.Create(p)).ToArray()),
        };
        if (figures is not null)
            foreach (var (key, value) in figures)
                json[key] = double.IsFinite(value) ? value : null;
        string tmp = path + ".tmp";
        File.WriteAllText(tmp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        File.Move(tmp, path, overwrite: true);
    }

    /// <summary>Reads a model file; any problem is a <see cref="CliException"/> naming the file.</summary>
    public static ModelFile Load(string path)
    {
        if (!File.Exists(path))
            throw new CliException($"{path}: no such model file (train one with `qd3pm train --out DIR`, then pass DIR/model.json)");
        try
        {
            var root = JsonNode.Parse(File.ReadAllText(path)) as JsonObject
                       ?? throw new FormatException("not a JSON object");
            if ((string?)root["format"] != Format)
                throw new FormatException($"format is not {Format}");
            var settings = root["settings"] ?? throw new FormatException("missing \"settings\"");
            var spec = TrainingSpecJson.Deserialize(settings.ToJsonString());
            var parameters = (root["parameters"] as JsonArray ?? throw new FormatException("missing \"parameters\""))
                .Select(n => n!.GetValue<double>()).ToArray();
            long steps = root["steps_completed"]?.GetValue<long>() ?? 0;
            double loss = root["final_loss"]?.GetValue<double>() ?? double.NaN;
            return new ModelFile(spec, parameters, steps, loss, (string?)root["run_id"]);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or NullReferenceException or InvalidSpecException)
        {
            throw new CliException($"{path}: not a valid qd3pm model file ({ex.Message})");
        }
    }

    /// <summary>The generative model this file describes.</summary>
    public ITrainedModel ToModel(string path)
    {
        try
        {
            return TrainedModelFactory.Create(Spec, Parameters);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidSpecException)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
    }
}
