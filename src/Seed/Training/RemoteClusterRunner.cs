using Grpc.Core;
using QD3PM.Core.Training;
using QD3PM.Nodes.Security;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;

namespace QD3PM.Seed.Training;

/// <summary>
/// `qd3pm train --cluster HOST:PORT`: submits the run through a node's management endpoint and follows it (the run
/// lives on the cluster; a client that goes away can re-attach by run id). gRPC failures become one-line CLI errors.
/// </summary>
public sealed class RemoteClusterRunner : IDisposable
{
    private static readonly TimeSpan ReconnectWindow = TimeSpan.FromSeconds(60);
    private readonly ClientChannel _channel;
    private readonly QD3PM.Protocol.Management.Training.TrainingClient _client;

    public RemoteClusterRunner(string cluster, ClusterCredentials? certificates = null, string? token = null)
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

    public void Dispose() => _channel.Dispose();

    /// <summary>
    /// What `train --cluster` does: submit (or, with <paramref name="attachRunId"/>, re-attach to) a run and follow it
    /// to the end; with <paramref name="detach"/> return right after submission (Detached = true, print RunId).
    /// Throws CliException when the run failed or was cancelled.
    /// </summary>
    public async Task<(string RunId, RunStatus? Final)> TrainAsync(TrainingSpec? spec, bool detach, string? attachRunId,
        Action<RunStatus>? progress, CancellationToken ct)
    {
        string runId;
        if (attachRunId is not null)
        {
            runId = attachRunId;
            await GetAsync(runId, false, ct); // NotFound -> "no run with id ..."
        }
        else
        {
            runId = await SubmitAsync(spec ?? throw new ArgumentNullException(nameof(spec)), null, ct);
        }
        if (detach)
            return (runId, null);
        var final = await FollowAsync(runId, progress, ct);
        if (final.State == RunState.BudgetExhausted)
            throw QpuBudgetOptions.Exhausted(final, $"`qd3pm runs resume {runId}` (then `train --attach {runId}`)");
        if (final.State != RunState.Completed)
            throw new CliException($"run {runId} {final.State.ToString().ToLowerInvariant()}{(final.Error.Length > 0 ? ": " + final.Error : "")}", ExitCodes.Failed);
        return (runId, final);
    }

    /// <summary>The spec a run was submitted with (for `--attach`, which has no local spec).</summary>
    public static TrainingSpec SpecOf(RunStatus status) => TrainingSpecJson.Deserialize(status.SpecJson);

    public async Task<string> SubmitAsync(TrainingSpec spec, string? runId, CancellationToken ct)
    {
        var reply = await Call(() => _client.SubmitRunAsync(
            new SubmitRunRequest { SpecJson = TrainingSpecJson.Serialize(spec), RunId = runId ?? "", Budget = Budget },
            deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, null);
        return reply.RunId;
    }

    public Task<RunStatus> GetAsync(string runId, bool includeParameters, CancellationToken ct) =>
        Call(() => _client.GetRunAsync(new GetRunRequest { RunId = runId, IncludeParameters = includeParameters },
            deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, runId);

    public async Task<RunList> ListAsync(CancellationToken ct) =>
        await Call(() => _client.ListRunsAsync(new ListRunsRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, null);

    public async Task<WorkerList> ListWorkersAsync(CancellationToken ct) =>
        await Call(() => _client.ListWorkersAsync(new ListWorkersRequest(), deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: ct).ResponseAsync, null);

    /// <summary>Streams progress until the run ends or stops for its QPU budget; reconnects while the node restarts (up to a minute).</summary>
    public async Task<RunStatus> FollowAsync(string runId, Action<RunStatus>? progress, CancellationToken ct)
    {
        var lostSince = (DateTime?)null;
        var waitingForJournal = false;
        while (true)
        {
            try
            {
                using var call = _client.WatchRun(new WatchRunRequest { RunId = runId, IncludeParameters = true }, cancellationToken: ct);
                RunStatus? last = null;
                await foreach (var status in call.ResponseStream.ReadAllAsync(ct))
                {
                    if (lostSince is not null)
                        Notice($"the cluster at {Address} answers again");
                    lostSince = null;
                    last = status;
                    if (status.State == RunState.WaitingForJournal && !waitingForJournal)
                        Notice($"run {runId} is waiting for its journal at step {status.Step}: {status.Error} (it continues by itself once the journal answers)");
                    else if (status.State != RunState.WaitingForJournal && waitingForJournal)
                        Notice($"run {runId}: the journal answers again, training continues from step {status.Step}");
                    waitingForJournal = status.State == RunState.WaitingForJournal;
                    progress?.Invoke(status);
                    if (status.State == RunState.BudgetExhausted)
                        return status; // waits for an operator (`runs resume` with a higher budget): nothing to follow
                }
                if (last is { State: RunState.Completed or RunState.Failed or RunState.Cancelled })
                    return last;
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.NotFound)
            {
                throw new CliException($"no run with id '{runId}' on the cluster at {Address}");
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown && !ct.IsCancellationRequested)
            {
                if (lostSince is null)
                    Notice($"waiting for the cluster at {Address}: {ex.Status.Detail} (retrying for up to {ReconnectWindow.TotalSeconds:0} s)");
                lostSince ??= DateTime.UtcNow;
                if (DateTime.UtcNow - lostSince > ReconnectWindow)
                    throw new CliException($"lost the cluster at {Address}: {ex.Status.Detail}; re-attach later with --attach {runId}");
            }
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
