using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// What every partition test shares: the run (synthetic items that wait without using the CPU, so five nodes fit on
/// a 2-core machine), its reference parameters, waiting on the journal, and the resume time.
/// </summary>
public static class PartitionRun
{
    /// <summary>A run of <paramref name="steps"/> steps of 8 items (4 samples x 2 parameter blocks) of 200 ms each.</summary>
    public static TrainingSpec Spec(int steps, long seed) => new()
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = "synthetic:40:200:idle", Batch = 4, Steps = steps, Seed = seed,
        Gradient = GradientMethod.Shift, LearningRate = 0.05,
    };

    /// <summary>
    /// The embedded run of the same spec without the items' wait (the wait never changes the numbers; see
    /// SyntheticGradientProblem), so the reference costs a second instead of a minute.
    /// </summary>
    public static Task<double[]> ReferenceAsync(TrainingSpec spec, CancellationToken ct) =>
        ClusterHarness.EmbeddedParametersAsync(spec with { Dataset = "synthetic:40" }, ct);

    /// <summary>Polls the journal until step <paramref name="step"/> is persisted; returns the highest step seen.</summary>
    public static async Task<long> WaitForStepAsync(JournalRows journal, string runId, long step, TimeSpan timeout, CancellationToken ct)
    {
        var until = DateTime.UtcNow + timeout;
        long last = 0;
        while (DateTime.UtcNow < until)
        {
            last = await journal.TryLastStepAsync(runId, ct) ?? last;
            if (last >= step)
                return last;
            await Task.Delay(200, ct);
        }
        throw new TimeoutException($"step {step} of run {runId} not persisted within {timeout} (last: {last}; last read error: {journal.LastError ?? "none"})");
    }

    /// <summary>
    /// Seconds from <paramref name="cut"/> to the persisted step that ended the longest pause between two persisted
    /// steps around the cut (a step whose items were all back before the cut may still land just after it; the pause
    /// the fault caused is the one that counts).
    /// </summary>
    public static double SecondsToResume(IReadOnlyList<JournalRows.Row> rows, DateTime cut)
    {
        var steps = rows.Where(r => r.Step is not null).ToList();
        double best = -1, resume = double.NaN;
        for (int i = 1; i < steps.Count; i++)
        {
            if (steps[i].Created <= cut)
                continue;
            var from = steps[i - 1].Created > cut ? steps[i - 1].Created : cut;
            var pause = (steps[i].Created - from).TotalSeconds;
            if (pause > best)
            {
                best = pause;
                resume = (steps[i].Created - cut).TotalSeconds;
            }
        }
        Assert.False(double.IsNaN(resume), "no step was persisted after the cut");
        return resume;
    }
}
