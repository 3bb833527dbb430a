using System.Diagnostics;
using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using QD3PM.Seed.ModelFiles;

namespace QD3PM.Seed.Reproduce;

/// <summary>
/// Trains one experiment in this process (the same step function and fixed summation order the cluster uses, through
/// <see cref="LocalTrainer"/>), traces KL during training and evaluates the result the paper's way; runs of the main
/// table on bars and stripes up to 9 bits are also scored on inpainting against the true conditionals.
/// </summary>
public static class ExperimentRunner
{
    private const int TracePoints = 5;

    /// <summary>Largest data set whose every half-known mask is scored (126 masks at 9 bits).</summary>
    private const int ConditionalMaxBits = 9;

    public static ExperimentResult Run(Experiment experiment, int samples, CancellationToken ct)
    {
        var spec = experiment.Spec;
        var data = DataSets.Parse(spec.Dataset, (int)spec.Seed);
        var problem = ProblemCatalog.Paper.Build(spec);
        var blocks = new[] { ParameterRange.All(problem.ParameterCount) };
        var watch = Stopwatch.StartNew();
        var trace = new List<double[]>();
        var state = problem.InitialState();
        long evaluations = 0;
        int every = Math.Max(1, spec.Steps / TracePoints);
        trace.Add([0, TraceKl(problem, state.Parameters, data)]);
        double traceSeconds = 0;
        while (state.Step < spec.Steps)
        {
            ct.ThrowIfCancellationRequested();
            state = LocalTrainer.Step(problem, state, blocks, spec.Gradient, out long n);
            evaluations += n;
            if (state.Step % every == 0 || state.Step == spec.Steps)
            {
                var t0 = watch.Elapsed;
                trace.Add([state.Step, TraceKl(problem, state.Parameters, data)]);
                traceSeconds += (watch.Elapsed - t0).TotalSeconds;
            }
        }
        double trainSeconds = watch.Elapsed.TotalSeconds - traceSeconds;

        var model = TrainedModelFactory.Create(problem, state.Parameters);
        var evaluation = ModelEvaluation.Run(model, samples, seed: 1);
        var generated = Divergence.Histogram(data.Dimension, model.Sample(samples, new Random(2)));
        return new ExperimentResult
        {
            Label = experiment.Label, Group = experiment.Group, Dataset = spec.Dataset, Model = spec.Model, Mode = SpecNames.Of(spec.Mode),
            Bits = data.BitCount, Layers = spec.Layers, Steps = spec.Steps, Seed = spec.Seed, LearningRate = spec.LearningRate,
            Noise = spec.Noise, Parameters = problem.ParameterCount, Kl = evaluation.Kl, ExactKl = evaluation.ExactKl, ValidFraction = evaluation.ValidFraction,
            Samples = samples, FactorisedBound = Divergence.TotalCorrelation(data.TargetDistribution, data.BitCount),
            CircuitEvaluations = evaluations, WallSeconds = trainSeconds, KlTrace = trace,
            Target = data.TargetDistribution, Generated = generated,
            Inpainting = IsBars(spec, data) ? Inpaint(model, data) : [],
            Conditional = experiment.Group == Experiment.TableGroup && IsBars(spec, data) && data.BitCount <= ConditionalMaxBits
                ? InpaintingEvaluation.Run(model, data, data.BitCount / 2, Math.Max(50, samples / 10), maxMasks: 1000, seed: 1)
                : null,
        };
    }

    private static bool IsBars(TrainingSpec spec, DataSet data) =>
        data.HasValidity && spec.Dataset.StartsWith("bas:", StringComparison.OrdinalIgnoreCase);

    private static double TraceKl(IGradientProblem problem, double[] parameters, DataSet data) =>
        ProgressKl.Evaluate(problem, parameters, data, sampleSeed: 3).Kl;

    /// <summary>Three patterns of the data with their first row known and the rest to fill in.</summary>
    private static List<InpaintingExample> Inpaint(ITrainedModel model, DataSet data)
    {
        int columns = int.Parse(data.Name.Split('x')[1].TrimEnd(')'), System.Globalization.CultureInfo.InvariantCulture);
        var patterns = data.Samples.Distinct().OrderBy(x => x).ToList();
        var picks = new[] { patterns[1], patterns[patterns.Count / 2], patterns[^2] }.Distinct();
        var list = new List<InpaintingExample>();
        foreach (int x in picks)
        {
            string bits = data.Format(x);
            string known = bits[..columns] + new string('?', bits.Length - columns);
            var completions = model.Inpaint(known, 200, new Random(x));
            double valid = completions.Count(data.IsValid) / (double)completions.Length;
            list.Add(new InpaintingExample(known, completions.Take(6).Select(data.Format).ToList(), valid));
        }
        return list;
    }
}
