using Akka.Actor;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>
/// Submits a run to a coordinator (through an in-process proxy) and follows it to its end. Used by the embedded
/// runner (`qd3pm train` without --cluster) and by tests; remote clients use the management gRPC service instead.
/// </summary>
public static class LocalRunDriver
{
    public static async Task<RunAccepted> SubmitAsync(IActorRef coordinator, string runId, string specJson, CancellationToken ct, RunBudget? budget = null) =>
        await AskWithRetry<RunAccepted>(coordinator, new SubmitRun { RunId = runId, SpecJson = specJson, Budget = budget }, ct);

    /// <summary>Resumes a run with a new QPU budget (set limits replace the run's); answers the run's status.</summary>
    public static Task<RunStatus> ResumeAsync(IActorRef coordinator, string runId, RunBudget budget, CancellationToken ct) =>
        AskWithRetry<RunStatus>(coordinator, new ControlRun { RunId = runId, Action = RunAction.Resume, Budget = budget }, ct);

    public static Task<RunStatus> GetAsync(IActorRef coordinator, string runId, bool includeParameters, CancellationToken ct) =>
        AskWithRetry<RunStatus>(coordinator, new GetRun { RunId = runId, IncludeParameters = includeParameters }, ct);

    /// <summary>The run's journaled steps after <paramref name="afterStep"/> (RunHistory).</summary>
    public static Task<RunSteps> GetStepsAsync(IActorRef coordinator, string runId, long afterStep, int parametersEvery, CancellationToken ct) =>
        AskWithRetry<RunSteps>(coordinator, new GetRunSteps { RunId = runId, AfterStep = afterStep, ParametersEvery = parametersEvery }, ct);

    /// <summary>Polls until the run completes, fails, is cancelled or has spent its QPU budget; returns that status with parameters.</summary>
    /// <remarks>With <paramref name="includeParameters"/> every reported status carries the parameters of its step
    /// (the train command evaluates KL along the way).</remarks>
    public static async Task<RunStatus> FollowAsync(IActorRef coordinator, string runId, Action<RunStatus>? progress, CancellationToken ct,
        TimeSpan? pollInterval = null, bool includeParameters = false)
    {
        await foreach (var status in WatchAsync(coordinator, runId, pollInterval ?? TimeSpan.FromMilliseconds(100), includeParameters, ct))
        {
            if (status.State == RunState.Unknown)
                throw new InvalidOperationException($"no run with id '{runId}'");
            progress?.Invoke(status);
        }
        return await AskWithRetry<RunStatus>(coordinator, new GetRun { RunId = runId, IncludeParameters = true }, ct);
    }

    /// <summary>
    /// Polls the run every <paramref name="pollInterval"/> and yields its status whenever it is news (<see cref="RunStates.IsNews"/>),
    /// up to a state that ends following (<see cref="RunStates.EndsFollowing"/>), or a first status of state Unknown
    /// (no such run), which the caller turns into its own error.
    /// </summary>
    public static async IAsyncEnumerable<RunStatus> WatchAsync(IActorRef coordinator, string runId, TimeSpan pollInterval, bool includeParameters,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        RunStatus? last = null;
        while (true)
        {
            var status = await GetAsync(coordinator, runId, includeParameters, ct);
            if (status.State == RunState.Unknown)
            {
                yield return status;
                yield break;
            }
            if (RunStates.IsNews(last, status))
            {
                last = status;
                yield return status;
            }
            if (RunStates.EndsFollowing(status.State))
                yield break;
            await Task.Delay(pollInterval, ct);
        }
    }

    /// <summary>The singleton needs a moment after the node is Up (and after a hand-over): up to a minute.</summary>
    private static Task<T> AskWithRetry<T>(IActorRef coordinator, object message, CancellationToken ct) =>
        CoordinatorAsk.AskAsync<T>(coordinator, message, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60), ct);
}
