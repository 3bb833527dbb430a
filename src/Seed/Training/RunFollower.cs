using QD3PM.Protocol.Cluster;

namespace QD3PM.Seed.Training;

/// <summary>
/// Follows a run through any <see cref="IRunClient"/>: every journaled step after a given one exactly once and in
/// order (from the run's step history, not from the status stream, which skips steps), and every status change.
/// </summary>
public sealed class RunFollower(IRunClient client, string runId, int parametersEvery)
{
    /// <summary>Where the follower says that steps are no longer held by the run (their rows are missing).</summary>
    public Action<string> Notice { get; init; } = message => Console.Error.WriteLine(message);

    /// <summary>The newest step handed to the step callback.</summary>
    public long LastStep { get; private set; }

    /// <summary>
    /// Follows the run from <paramref name="afterStep"/> to its end: each new step to <paramref name="onStep"/>, then
    /// the status that announced it to <paramref name="onStatus"/>; returns the final status with parameters.
    /// </summary>
    public async Task<RunStatus> FollowAsync(long afterStep, Action<StepPoint> onStep, Action<RunStatus>? onStatus, CancellationToken ct)
    {
        LastStep = afterStep;
        RunStatus? last = null;
        await foreach (var status in client.WatchAsync(runId, ct))
        {
            last = status;
            await CatchUpAsync(status.Step, onStep, ct);
            onStatus?.Invoke(status);
        }
        if (last is null)
            throw new InvalidOperationException($"the watch of run {runId} ended without a status");
        var final = await client.GetAsync(runId, includeParameters: true, ct);
        await CatchUpAsync(final.Step, onStep, ct);
        return final;
    }

    private async Task CatchUpAsync(long upTo, Action<StepPoint> onStep, CancellationToken ct)
    {
        while (LastStep < upTo)
        {
            var steps = await client.GetStepsAsync(runId, LastStep, parametersEvery, ct);
            if (steps.FirstHeldStep > LastStep + 1)
            {
                Notice($"run {runId}: steps {LastStep + 1}..{steps.FirstHeldStep - 1} are no longer held by the run (it keeps the losses of its newest steps); metrics.csv continues at step {steps.FirstHeldStep}");
                LastStep = steps.FirstHeldStep - 1;
            }
            if (steps.Points.Count == 0)
                return; // the run is starting again (journal outage, coordinator restart): the next status retries
            foreach (var point in steps.Points)
            {
                if (point.Step <= LastStep)
                    continue;
                onStep(point);
                LastStep = point.Step;
            }
        }
    }
}
