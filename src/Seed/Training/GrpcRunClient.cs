using Grpc.Core;
using QD3PM.Core.Training;
using QD3PM.Nodes.Security;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Training;

/// <summary>
/// The run client of `qd3pm train --cluster HOST:PORT` (and of tests): submits runs through a node's management
/// endpoint and follows them (a run lives on the cluster; a client that goes away can re-attach by run id). gRPC
/// failures become one-line CLI errors.
/// </summary>
public sealed class GrpcRunClient : IRunClient, IDisposable
{
    private static readonly TimeSpan ReconnectWindow = TimeSpan.FromSeconds(60);
    private readonly ClientChannel _channel;
    private readonly QD3PM.Protocol.Management.Training.TrainingClient _client;

    public GrpcRunClient(string cluster, ClusterCredentials? certificates = null, string? token = null)
    {
        // A node started with --token refuses calls without it; the client takes it from --token, else QD3PM_TOKEN.
        if (string.IsNullOrWhiteSpace(token))
            token = Environment.GetEnvironmentVariable("QD3PM_TOKEN");
        try
        {
            _channel = GrpcChannels.Create(cluster, "--cluster", certificates, string.IsNullOrWhiteSpace(token) ? null : token.Trim());
        }
        catch (ArgumentException)
        {
            throw new CliException($"--cluster must be HOST:PORT of a node's management endpoint, not '{cluster}'");
        }
        catch (ClusterCertificateException ex)
        {
            throw CertsOption.Fail(ex);
        }
        Address = _channel.Uri.ToString().TrimEnd('/');
        _client = new QD3PM.Protocol.Management.Training.TrainingClient(_channel.Invoker);
    }

    public string Address { get; }

    /// <summary>The QPU budget a run is submitted with (null: none).</summary>
    public RunBudget? Budget { get; init; }

    /// <summary>Where a follower says what it is waiting for (the journal, the coordinator); stderr by default.</summary>
    public Action<string> Notice { get; init; } = message => Console.Error.WriteLine(message);

    public string Where => $"the cluster at {Address}";

    private int _disposed;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _channel.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Submits a run. While the coordinator cannot write it to its journal (the reply names the journal's error) the client
    /// says so, waits and submits again under the run id the coordinator chose (idempotent), for up to a minute; the
    /// coordinator restarts after such a failure, so meanwhile "unreachable" also means "still waiting for the journal".
    /// </summary>
    public async Task<string> SubmitAsync(TrainingSpec spec, string? runId, CancellationToken ct)
    {
        var request = new SubmitRunRequest { SpecJson = TrainingSpecJson.Serialize(spec), RunId = runId ?? "", Budget = Budget };
        string? journalError = null;
        DateTime? waitingSince = null;
        while (true)
        {
            SubmitRunReply? reply;
            try
            {
                reply = await Call(() => _client.SubmitRunAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, null);
            }
            catch (CliException ex) when (journalError is not null && ex.ExitCode == ExitCodes.Unreachable)
            {
                reply = null; // the coordinator is starting again and reads the journal: keep waiting for it
            }
            if (reply is { WaitingForJournal.Length: 0 })
            {
                if (waitingSince is not null)
                    Notice($"the journal answers again: run {reply.RunId} submitted");
                return reply.RunId;
            }
            if (reply is not null)
            {
                journalError = reply.WaitingForJournal;
                request.RunId = reply.RunId;
            }
            if (waitingSince is null)
                Notice($"waiting for the journal of the cluster at {Address}: {journalError} (submitting again for up to {ReconnectWindow.TotalSeconds:0} s)");
            waitingSince ??= DateTime.UtcNow;
            if (DateTime.UtcNow - waitingSince > ReconnectWindow)
                throw new CliException($"the cluster at {Address} cannot write the run to its journal: {journalError}; the run was not submitted",
                    ExitCodes.Unreachable);
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
    }

    public Task<RunStatus> GetAsync(string runId, bool includeParameters, CancellationToken ct) =>
        Call(() => _client.GetRunAsync(new GetRunRequest { RunId = runId, IncludeParameters = includeParameters },
            deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, runId);

    public Task<RunSteps> GetStepsAsync(string runId, long afterStep, int parametersEvery, CancellationToken ct) =>
        Call(() => _client.GetRunStepsAsync(new GetRunSteps { RunId = runId, AfterStep = afterStep, ParametersEvery = parametersEvery },
            deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, runId);

    public async Task<RunList> ListAsync(CancellationToken ct) =>
        await Call(() => _client.ListRunsAsync(new ListRunsRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, null);

    public async Task<WorkerList> ListWorkersAsync(CancellationToken ct) =>
        await Call(() => _client.ListWorkersAsync(new ListWorkersRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, null);

    /// <summary>Follows a run to its end; returns its final status (with parameters).</summary>
    public async Task<RunStatus> FollowAsync(string runId, Action<RunStatus>? progress, CancellationToken ct)
    {
        RunStatus? last = null;
        await foreach (var status in WatchAsync(runId, ct))
        {
            last = status;
            progress?.Invoke(status);
        }
        return last!;
    }

    /// <summary>Streams the run's status changes until it ends (the last has parameters); reconnects while the node restarts (up to a minute).</summary>
    public async IAsyncEnumerable<RunStatus> WatchAsync(string runId, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var lostSince = (DateTime?)null;
        var waitingForJournal = false;
        while (true)
        {
            RunStatus? last = null;
            using (var call = _client.WatchRun(new WatchRunRequest { RunId = runId, IncludeParameters = true }, cancellationToken: ct))
            {
                while (true)
                {
                    RpcException? lost = null;
                    bool more;
                    try
                    {
                        more = await call.ResponseStream.MoveNext(ct);
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
                    {
                        throw new CliException($"no run with id '{runId}' on the cluster at {Address}");
                    }
                    catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown && !ct.IsCancellationRequested)
                    {
                        lost = ex;
                        more = false;
                    }
                    if (lost is not null)
                    {
                        if (lostSince is null)
                            Notice($"waiting for the cluster at {Address}: {lost.Status.Detail} (retrying for up to {ReconnectWindow.TotalSeconds:0} s)");
                        lostSince ??= DateTime.UtcNow;
                        if (DateTime.UtcNow - lostSince > ReconnectWindow)
                            throw new CliException($"lost the cluster at {Address}: {lost.Status.Detail}; re-attach later with --attach {runId}");
                    }
                    if (!more)
                        break;
                    var status = call.ResponseStream.Current;
                    if (lostSince is not null)
                        Notice($"the cluster at {Address} answers again");
                    lostSince = null;
                    last = status;
                    if (status.State == RunState.WaitingForJournal && status.JournalDataError)
                        throw new CliException($"run {runId} on the cluster at {Address} cannot use its journal at step {status.Step}: {status.Error} (not an outage, so waiting will not help; "
                            + $"the coordinator keeps retrying it: repair the journal or run a qd3pm build that reads it, then --attach {runId})", ExitCodes.JournalDamaged);
                    if (status.State == RunState.WaitingForJournal && !waitingForJournal)
                        Notice($"run {runId} is waiting for its journal at step {status.Step}: {status.Error} (it continues by itself once the journal answers)");
                    else if (status.State != RunState.WaitingForJournal && waitingForJournal)
                        Notice($"run {runId}: the journal answers again, training continues from step {status.Step}");
                    waitingForJournal = status.State == RunState.WaitingForJournal;
                    yield return status;
                    if (RunStates.EndsFollowing(status.State))
                        yield break; // e.g. out of QPU budget: it waits for an operator (`runs resume`), nothing to follow
                }
            }
            if (last is not null && RunStates.EndsFollowing(last.State))
                yield break;
            await Task.Delay(500, ct);
        }
    }

    private async Task<T> Call<T>(Func<Task<T>> call, string? runId)
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
        {
            throw new CliException(runId is null ? ex.Status.Detail : $"no run with id '{runId}' on the cluster at {Address}");
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            throw new CliException(ex.Status.Detail);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DataLoss)
        {
            throw new CliException($"the cluster at {Address}: {ex.Status.Detail}", ExitCodes.JournalDamaged);
        }
        catch (RpcException ex) when (_channel.ExplainTransportFailure(ex) is { } tls)
        {
            throw new CliException($"cannot reach the cluster at {Address}: {tls}", ExitCodes.Certificate);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
        {
            throw new CliException($"cannot reach the cluster at {Address}: {ex.Status.Detail}", ExitCodes.Unreachable);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Unauthenticated)
        {
            throw new CliException($"the cluster at {Address} refused the call: {ex.Status.Detail} (give --token or set QD3PM_TOKEN)", ExitCodes.TokenRefused);
        }
    }
}
