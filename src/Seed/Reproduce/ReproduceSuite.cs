using QD3PM.Core.Data;
using QD3PM.Core.Training;

namespace QD3PM.Seed.Reproduce;

/// <summary>
/// The experiments of `qd3pm reproduce`. Every data set is trained with QD3PM (multi-step and single-step) and the two
/// factorised baselines (single-step, where the total-correlation bound applies); the scaling group trains ghz:N for
/// N = 3..10 (--scaling-bits: up to 16) to show the factorised models' KL growing linearly while QD3PM's does not; the noise group trains QD3PM
/// single-step on BAS 2x2 and 3x3 (those of the selected data sets) under depolarizing noise p in
/// <see cref="NoiseLevels"/>, with the noisy model evaluated. Settings are the paper's:
/// all-to-all entanglers, lr 1e-3 multi-step (L = 8 up to 6 bits, else 6) and 1e-2 single-step, batch 16, T = 30.
/// </summary>
public static class ReproduceSuite
{
    public static readonly string[] QuickDatasets = ["bas:2x2", "bas:2x3", "bas:3x3", "gaussian:4", "gaussian:6", "gaussian:8"];
    public static readonly string[] FullExtraDatasets = ["bas:3x4", "bas:4x4", "gaussian:10"];

    public static readonly string[] NoiseDatasets = ["bas:2x2", "bas:3x3"];
    public static readonly double[] NoiseLevels = [0, 0.001, 0.005, 0.01, 0.02];

    /// <summary>The GHZ sizes of the scaling group unless --scaling-bits says otherwise (16 is the largest ghz:N).</summary>
    public const int ScalingFromBits = 3, ScalingToBits = 10, ScalingMaxBits = 16;

    public sealed record Settings(string Suite, int Steps, int ScalingSteps, int Seeds, IReadOnlyList<string> Datasets, bool Scaling,
        int NoiseSteps = 0, bool Noise = false, bool Table = true, int ScalingFrom = ScalingFromBits, int ScalingTo = ScalingToBits);

    public static Settings Defaults(string suite) => suite switch
    {
        "quick" => new Settings(suite, 2000, 600, 1, QuickDatasets, true, 1000, true),
        "full" => new Settings(suite, 6000, 2000, 5, [.. QuickDatasets, .. FullExtraDatasets], true, 3000, true),
        _ => throw new ArgumentException($"--suite must be quick or full, not '{suite}'"),
    };

    public static IReadOnlyList<Experiment> Build(Settings settings)
    {
        var list = new List<Experiment>();
        foreach (var dataset in settings.Table ? settings.Datasets : [])
        {
            int bits = DataSets.Parse(dataset).BitCount;
            for (int s = 1; s <= settings.Seeds; s++)
            {
                list.Add(Make("QD3PM multi-step", dataset, ProblemCatalog.Qd3pm, DiffusionMode.MultiStep, bits <= 6 ? 8 : 6, 1e-3, settings.Steps, s, Experiment.TableGroup));
                list.Add(Make("QD3PM single-step", dataset, ProblemCatalog.Qd3pm, DiffusionMode.SingleStep, bits <= 6 ? 8 : 6, 1e-2, settings.Steps, s, Experiment.TableGroup));
                list.Add(Make("classical D3PM (factorised)", dataset, ProblemCatalog.ClassicalD3pm, DiffusionMode.SingleStep, 1, 1e-2, settings.Steps, s, Experiment.TableGroup));
                list.Add(Make("factorised quantum", dataset, ProblemCatalog.FactorizedQuantum, DiffusionMode.SingleStep, 2, 1e-2, settings.Steps, s, Experiment.TableGroup));
            }
        }
        if (settings.Noise)
        {
            foreach (var dataset in settings.Datasets.Where(d => NoiseDatasets.Contains(d, StringComparer.OrdinalIgnoreCase)))
            {
                int bits = DataSets.Parse(dataset).BitCount;
                foreach (double p in NoiseLevels)
                    list.Add(Make($"QD3PM single-step, noise {p}", dataset, ProblemCatalog.Qd3pm, DiffusionMode.SingleStep, bits <= 6 ? 8 : 6, 1e-2,
                        settings.NoiseSteps, 1, Experiment.NoiseGroup, p));
            }
        }
        if (settings.Scaling)
        {
            for (int n = settings.ScalingFrom; n <= settings.ScalingTo; n++)
            {
                list.Add(Make("QD3PM single-step", $"ghz:{n}", ProblemCatalog.Qd3pm, DiffusionMode.SingleStep, 4, 1e-2, settings.ScalingSteps, 1, Experiment.ScalingGroup));
                list.Add(Make("classical D3PM (factorised)", $"ghz:{n}", ProblemCatalog.ClassicalD3pm, DiffusionMode.SingleStep, 1, 1e-2, settings.ScalingSteps, 1, Experiment.ScalingGroup));
                list.Add(Make("factorised quantum", $"ghz:{n}", ProblemCatalog.FactorizedQuantum, DiffusionMode.SingleStep, 2, 1e-2, settings.ScalingSteps, 1, Experiment.ScalingGroup));
            }
        }
        return list;
    }

    private static Experiment Make(string label, string dataset, string model, DiffusionMode mode, int layers, double lr, int steps, long seed,
        string group, double noise = 0) =>
        new(label, new TrainingSpec
        {
            Dataset = dataset, Model = model, Mode = mode, Layers = layers, LearningRate = lr, FinalLearningRate = lr / 10,
            Steps = steps, Seed = seed, Noise = noise,
        }, group);
}
