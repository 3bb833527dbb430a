using System.Globalization;
using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using QD3PM.Seed.ModelFiles;

namespace QD3PM.Seed.Training;

/// <summary>
/// DIR/metrics.csv: one row per step the progress stream observed (it samples steps; the journal holds every one) with the mean loss per sample, and, every EvalEvery steps, the KL of the model at that
/// step (exact when the data has at most 10 bits, otherwise from 2,000 samples) and its valid fraction; the
/// parameters with the lowest of those KLs go to a <see cref="BestModelKeeper"/>.
/// </summary>
public sealed class MetricsLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly IGradientProblem _problem;
    private readonly int _evalEvery;
    private readonly DataSet _data;
    private readonly BestModelKeeper? _best;
    private long _lastEvaluatedBlock;

    /// <param name="best">Where the parameters with the lowest KL so far go (null: nowhere).</param>
    public MetricsLog(string path, IGradientProblem problem, int evalEvery, bool append, BestModelKeeper? best = null)
    {
        _problem = problem;
        _best = best;
        _evalEvery = evalEvery;
        _data = DataSets.Parse(problem.Spec.Dataset, (int)problem.Spec.Seed);
        bool exists = append && File.Exists(path);
        _writer = new StreamWriter(path, append: exists) { AutoFlush = true };
        if (!exists) _writer.WriteLine("step,loss,kl,valid_fraction");
    }

    public double LastKl { get; private set; } = double.NaN;

    /// <summary>Records a step; evaluates the model when the step enters a new EvalEvery block or is final.</summary>
    public void Record(long step, double loss, IReadOnlyList<double>? parameters, bool final)
    {
        string kl = "", valid = "";
        long block = _evalEvery > 0 ? step / _evalEvery : 0;
        if (parameters is { Count: > 0 } && (final || (_evalEvery > 0 && block > _lastEvaluatedBlock && step > 0)))
        {
            _lastEvaluatedBlock = block;
            var (k, v) = Evaluate(parameters.ToArray());
            LastKl = k;
            _best?.Offer(step, loss, k, v, parameters);
            kl = k.ToString("R", CultureInfo.InvariantCulture);
            valid = v is { } vv ? vv.ToString("R", CultureInfo.InvariantCulture) : "";
        }
        _writer.WriteLine(string.Join(',', step.ToString(CultureInfo.InvariantCulture),
            double.IsFinite(loss) ? loss.ToString("R", CultureInfo.InvariantCulture) : "", kl, valid));
    }

    private (double Kl, double? Valid) Evaluate(double[] parameters)
    {
        var model = TrainedModelFactory.Create(_problem, parameters);
        var exact = model.ExactDistribution();
        if (exact is not null)
            return (Divergence.Kl(_data.TargetDistribution, exact), _data.HasValidity ? Validity.ValidMass(_data, exact) : null);
        var samples = model.Sample(2000, new Random(1));
        return (Divergence.KlFromSamples(_data.TargetDistribution, samples), _data.HasValidity ? Validity.ValidFraction(_data, samples) : null);
    }

    public void Dispose() => _writer.Dispose();
}
