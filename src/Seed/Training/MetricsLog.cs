using System.Globalization;
using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.ModelFiles;

namespace QD3PM.Seed.Training;

/// <summary>
/// DIR/metrics.csv (`step,loss,kl,valid_fraction`): one row per journaled step with its loss (the mean over its
/// batch, as the step's event holds it), and on the rows that come with parameters (every --eval-every steps and the
/// last step, <see cref="RunFollower"/>) the KL of the model at that step (<see cref="ProgressKl"/>) and its valid
/// fraction; the parameters with the lowest of those KLs go to a <see cref="BestModelKeeper"/>. An existing file is
/// continued after its last row (--resume, --attach).
/// </summary>
public sealed class MetricsLog : IDisposable
{
    public const string Header = "step,loss,kl,valid_fraction";
    private readonly StreamWriter _writer;
    private readonly IGradientProblem _problem;
    private readonly DataSet _data;
    private readonly BestModelKeeper? _best;

    /// <param name="best">Where the parameters with the lowest KL so far go (null: nowhere).</param>
    public MetricsLog(string path, IGradientProblem problem, BestModelKeeper? best = null)
    {
        _problem = problem;
        _best = best;
        _data = DataSets.Parse(problem.Spec.Dataset, (int)problem.Spec.Seed);
        bool exists = File.Exists(path) && new FileInfo(path).Length > 0;
        LastStep = exists ? LastStepIn(path) : 0;
        _writer = new StreamWriter(path, append: exists) { AutoFlush = true };
        if (!exists) _writer.WriteLine(Header);
    }

    /// <summary>The newest step with a row (0: none).</summary>
    public long LastStep { get; private set; }

    /// <summary>The KLs evaluated so far, for the progress line (which shows the one that belongs to its step).</summary>
    public ProgressLineKl Kl { get; } = new();

    /// <summary>Writes the step's row; evaluates the model when the step comes with its parameters.</summary>
    public void Record(StepPoint point)
    {
        string kl = "", valid = "";
        if (point.Parameters.Count > 0)
        {
            var parameters = point.Parameters.ToArray();
            var (k, v) = ProgressKl.Evaluate(_problem, parameters, _data);
            Kl.Add(point.Step, k);
            _best?.Offer(point.Step, point.Loss, k, v, parameters);
            kl = k.ToString("R", CultureInfo.InvariantCulture);
            valid = v is { } vv ? vv.ToString("R", CultureInfo.InvariantCulture) : "";
        }
        _writer.WriteLine(string.Join(',', point.Step.ToString(CultureInfo.InvariantCulture),
            double.IsFinite(point.Loss) ? point.Loss.ToString("R", CultureInfo.InvariantCulture) : "", kl, valid));
        LastStep = point.Step;
    }

    private static long LastStepIn(string path)
    {
        string? last = File.ReadLines(path).LastOrDefault(line => line.Length > 0 && char.IsAsciiDigit(line[0]));
        return last is not null && long.TryParse(last.AsSpan(0, last.IndexOf(',') is >= 0 and var i ? i : last.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var step)
            ? step : 0;
    }

    public void Dispose() => _writer.Dispose();
}
