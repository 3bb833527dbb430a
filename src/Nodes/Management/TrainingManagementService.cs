using Akka.Actor;
using Akka.Hosting;
using Grpc.Core;
using Status = Grpc.Core.Status;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;
using QD3PM.Core.Data;
using QD3PM.Core.Metrics;
using QD3PM.Core.Training;
using QD3PM.Nodes.Configuration;
using QD3PM.Nodes.Training;

namespace QD3PM.Nodes.Management;

/// <summary>gRPC Training service: submit, follow, inspect and list runs through this node's coordinator proxy.</summary>
public sealed class TrainingManagementService(ActorSystem system, ActorRegistry registry, NodeOptions options, CoordinatorJournalWatch coordinatorJournal)
    : QD3PM.Protocol.Management.Training.TrainingBase
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(15);
    /// <summary>One attempt of a question: answers take milliseconds; an unanswered one was lost (see CoordinatorAsk).</summary>
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan WatchInterval = TimeSpan.FromMilliseconds(200);
    /// <summary>A coordinator registers a run in one journal write (milliseconds): slower than this, look at the journal.</summary>
    private static readonly TimeSpan JournalProbeAfter = TimeSpan.FromSeconds(2);
    /// <summary>How long another coordinator node's journal watch may take to say whether its coordinator cannot start.</summary>
    private static readonly TimeSpan JournalWatchTimeout = TimeSpan.FromMilliseconds(1500);

    private IActorRef Coordinator => registry.Get<CoordinatorProxyKey>();

    public override async Task<SubmitRunReply> SubmitRun(SubmitRunRequest request, ServerCallContext context)
    {
        try
        {
            // Validate here so a bad spec is an InvalidArgument for the client, not a failed run in the journal.
            options.Problems.Get(request.SpecJson);
        }
        catch (InvalidSpecException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
        if (QpuRunBudget.Invalid(request.Budget) is { } badBudget)
            throw new RpcException(new Status(StatusCode.InvalidArgument, badBudget));
        var runId = string.IsNullOrWhiteSpace(request.RunId) ? NewRunId() : request.RunId;
        var ask = AnsweredOrUnavailable(() => Coordinator.Ask<RunAccepted>(
            new SubmitRun { RunId = runId, SpecJson = request.SpecJson, Budget = request.Budget }, AskTimeout, context.CancellationToken));
        if (await JournalDownWhileWaiting(ask, context.CancellationToken) is { } journalError)
            return new SubmitRunReply { RunId = runId, WaitingForJournal = journalError };
        var accepted = await ask;
        return new SubmitRunReply { RunId = accepted.RunId, AlreadyExisted = accepted.AlreadyExisted, WaitingForJournal = accepted.JournalError };
    }

    /// <summary>
    /// The journal's error when the coordinator is slow to register a run because its journal is down, else null (then
    /// the caller waits for the answer). A coordinator whose journal failed has stopped and is restarted, recovering
    /// once the journal answers; meanwhile nothing answers a submit, and a client would call the cluster unreachable.
    /// This node (a coordinator node has the journal's address) looks at the journal itself; the client submits
    /// again under the same run id (idempotent), so an answer the coordinator gives later changes nothing.
    /// </summary>
    private async Task<string?> JournalDownWhileWaiting(Task ask, CancellationToken ct)
    {
        if (options.Journal is not { } journal || await Task.WhenAny(ask, Task.Delay(JournalProbeAfter, ct)) == ask)
            return null;
        if (await CoordinatorDataErrorAsync() is { } dataError)
        {
            _ = ask.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            throw CoordinatorCannotReadItsJournal(dataError);
        }
        try
        {
            await JournalPreflight.CheckAsync(journal, ct);
            return null;
        }
        catch (JournalUnavailableException ex)
        {
            _ = ask.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            return JournalError.Describe(ex.InnerException ?? ex);
        }
    }

    public override async Task<RunStatus> GetRun(GetRunRequest request, ServerCallContext context)
    {
        var status = await Ask<RunStatus>(new GetRun { RunId = request.RunId, IncludeParameters = request.IncludeParameters || request.IncludeKl }, context.CancellationToken);
        if (status.State == RunState.Unknown)
            throw new RpcException(new Status(StatusCode.NotFound, $"no run with id '{request.RunId}'"));
        if (request.IncludeKl && status.Step > 0 && status.Parameters.Count > 0)
        {
            try
            {
                if (options.Problems.Get(status.SpecJson) is var problem && ProgressKl.Applies(problem))
                    status.Kl = ProgressKl.Evaluate(problem, status.Parameters.ToArray()).Kl;
            }
            catch (Exception ex) when (ex is InvalidSpecException or DataSetException or IOException)
            {
                // a spec of another build, or a file: data set this node cannot read: no KL (the run's status says the rest)
            }
        }
        if (!request.IncludeParameters)
            status.Parameters.Clear();
        return status;
    }

    public override async Task<RunSteps> GetRunSteps(GetRunSteps request, ServerCallContext context)
    {
        var steps = await Ask<RunSteps>(request.Clone(), context.CancellationToken);
        if (!steps.Known)
            throw new RpcException(new Status(StatusCode.NotFound, $"no run with id '{request.RunId}'"));
        return steps;
    }

    public override Task<RunList> ListRuns(ListRunsRequest request, ServerCallContext context) =>
        Ask<RunList>(new ListRuns(), context.CancellationToken);

    public override Task<WorkerList> ListWorkers(ListWorkersRequest request, ServerCallContext context) =>
        Ask<WorkerList>(new GetWorkers(), context.CancellationToken);

    public override async Task WatchRun(WatchRunRequest request, IServerStreamWriter<RunStatus> responseStream, ServerCallContext context)
    {
        // Polling the coordinator keeps the stream alive across a coordinator restart (the proxy buffers meanwhile).
        RunStatus? last = null;
        var ct = context.CancellationToken;
        while (!ct.IsCancellationRequested)
        {
            RunStatus status;
            try
            {
                status = await Ask<RunStatus>(new GetRun { RunId = request.RunId, IncludeParameters = false }, ct);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && last is not null)
            {
                await Task.Delay(WatchInterval, ct);
                continue; // coordinator moving or restarting: keep watching
            }
            if (status.State == RunState.Unknown)
                throw new RpcException(new Status(StatusCode.NotFound, $"no run with id '{request.RunId}'"));
            bool terminal = RunStates.EndsFollowing(status.State);
            if (terminal && request.IncludeParameters)
                status = await Ask<RunStatus>(new GetRun { RunId = request.RunId, IncludeParameters = true }, ct);
            if (RunStates.IsNews(last, status))
            {
                await responseStream.WriteAsync(status, ct);
                last = status;
            }
            if (terminal)
                return;
            await Task.Delay(WatchInterval, ct);
        }
    }

    /// <summary>
    /// A question (status, steps, lists), asked again on short attempts (<see cref="CoordinatorAsk"/>). A submit is
    /// asked once (SubmitRun): it writes, and an attempt answered late could make the next one look like a resubmit.
    /// </summary>
    private Task<T> Ask<T>(object question, CancellationToken ct) =>
        AnsweredOrUnavailable(() => CoordinatorAsk.AskAsync<T>(Coordinator, question, AttemptTimeout, AskTimeout, ct));

    /// <summary>
    /// The coordinator's answer, or for the client when none came in time: DataLoss when the coordinator (on this node or
    /// another coordinator node) cannot read its run registry from the journal, else Unavailable.
    /// </summary>
    private async Task<T> AnsweredOrUnavailable<T>(Func<Task<T>> ask)
    {
        try
        {
            return await ask();
        }
        catch (AskTimeoutException)
        {
            if (await CoordinatorDataErrorAsync() is { } dataError)
                throw CoordinatorCannotReadItsJournal(dataError);
            throw new RpcException(new Status(StatusCode.Unavailable, "the training coordinator did not answer (is a node with role coordinator up?)"));
        }
    }

    /// <summary>
    /// Why the coordinator singleton cannot start, when its last recovery (on this node or another coordinator node)
    /// failed on a stored record; null when none did.
    /// </summary>
    private Task<string?> CoordinatorDataErrorAsync() =>
        coordinatorJournal.DataErrorInClusterAsync(system, NodeRoles.Coordinator, JournalWatchTimeout);

    /// <summary>
    /// DataLoss (gRPC's code for corrupt data): the coordinator keeps trying with back-off, but waiting alone will not make
    /// the record readable.
    /// </summary>
    private static RpcException CoordinatorCannotReadItsJournal(string error) =>
        new(new Status(StatusCode.DataLoss,
            $"the training coordinator cannot start: {error} (not an outage: repair the journal or run a qd3pm build that reads it)"));

    public static string NewRunId() => $"{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid().ToString("N")[..6]}";
}
