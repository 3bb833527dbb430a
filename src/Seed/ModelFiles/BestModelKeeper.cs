using System.Text.Json.Nodes;
using QD3PM.Core.Training;

namespace QD3PM.Seed.ModelFiles;

/// <summary>
/// DIR/best-model.json: the parameters with the lowest KL seen at the --eval-every evaluations (and at the last step),
/// in the model-file format, so `sample`, `evaluate` and `inpaint` take it like model.json. Written whenever the KL
/// improves, so a stopped run keeps it; a resumed run starts from the KL the file already holds. Long runs need it:
/// the training loss is an MMD between conditionals, not the KL of the whole reverse chain, so the last step is not
/// always the best model (docs/results.md, "Long runs").
/// </summary>
public sealed class BestModelKeeper
{
    public const string FileName = "best-model.json";

    private readonly TrainingSpec _spec;

    public BestModelKeeper(string directory, TrainingSpec spec)
    {
        _spec = spec;
        Path = System.IO.Path.Combine(directory, FileName);
        if (File.Exists(Path) && ReadKl(Path) is { } kl)
            (Kl, Step) = (kl, ModelFile.Load(Path).Steps);
    }

    public string Path { get; }

    /// <summary>The lowest KL kept so far (infinity before the first evaluation).</summary>
    public double Kl { get; private set; } = double.PositiveInfinity;

    /// <summary>The step of the kept parameters (-1 before the first evaluation).</summary>
    public long Step { get; private set; } = -1;

    /// <summary>Keeps the parameters of <paramref name="step"/> when their KL is lower than every earlier one.</summary>
    public bool Offer(long step, double loss, double kl, double? validFraction, IReadOnlyList<double> parameters)
    {
        if (!double.IsFinite(kl) || kl >= Kl) return false;
        var figures = new Dictionary<string, double> { ["kl_at_step"] = kl };
        if (validFraction is { } v) figures["valid_fraction_at_step"] = v;
        new ModelFile(_spec, parameters.ToArray(), step, loss, null).Save(Path, figures);
        (Kl, Step) = (kl, step);
        return true;
    }

    private static double? ReadKl(string path)
    {
        try
        {
            return (JsonNode.Parse(File.ReadAllText(path)) as JsonObject)?["kl_at_step"]?.GetValue<double>();
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException)
        {
            return null;
        }
    }
}
