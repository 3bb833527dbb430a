using Grpc.Core;
using QD3PM.Nodes.Security;
using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>
/// Thin Grpc.Net.Client wrapper over the Qpu service: the bearer token on every call, a deadline on every call, and
/// message limits large enough for jobs of hundreds of circuits. Errors surface as <see cref="RpcException"/>.
/// </summary>
public sealed class QpuClient : IDisposable
{
    private const int MaxMessageBytes = 64 * 1024 * 1024;

    private readonly ClientChannel _channel;
    private readonly Protocol.Qpu.Qpu.QpuClient _client;
    private readonly QpuProxyOptions _options;

    public QpuClient(QpuProxyOptions options)
    {
        _options = options;
        _channel = GrpcChannels.Create(options.Url.ToString(), "--qpu", options.Certificates, options.Token,
            handler =>
            {
                handler.ConnectTimeout = TimeSpan.FromSeconds(5);
                handler.KeepAlivePingDelay = TimeSpan.FromSeconds(20);
                handler.KeepAlivePingTimeout = TimeSpan.FromSeconds(10);
            },
            channel =>
            {
                channel.MaxReceiveMessageSize = MaxMessageBytes;
                channel.MaxSendMessageSize = MaxMessageBytes;
            });
        _client = new Protocol.Qpu.Qpu.QpuClient(_channel.Invoker);
    }

    public Uri Url => _options.Url;

    /// <summary>A TLS reason for a transport failure (wrong CA, refused certificate, plaintext against TLS), or null.</summary>
    public string? ExplainTransportFailure(RpcException ex) => _channel.ExplainTransportFailure(ex);

    public async Task<Backend> GetBackendAsync(CancellationToken ct) =>
        await _client.GetBackendAsync(new GetBackendRequest(), null, Deadline(), ct);

    public async Task<SubmitJobReply> SubmitAsync(SubmitJobRequest request, CancellationToken ct) =>
        await _client.SubmitJobAsync(request, null, Deadline(), ct);

    public async Task<Job> GetJobAsync(string jobId, CancellationToken ct) =>
        await _client.GetJobAsync(new JobRequest { JobId = jobId }, null, Deadline(), ct);

    public async Task<Job> CancelJobAsync(string jobId, CancellationToken ct) =>
        await _client.CancelJobAsync(new JobRequest { JobId = jobId }, null, Deadline(), ct);

    /// <summary>
    /// Follows the job until a terminal event, or returns the last event when the watch deadline passed first (the
    /// caller watches again). Null when the stream ended without any event.
    /// </summary>
    public async Task<JobEvent?> WatchUntilTerminalAsync(string jobId, CancellationToken ct)
    {
        using var call = _client.WatchJob(new JobRequest { JobId = jobId }, null, DateTime.UtcNow + _options.WatchTimeout, ct);
        JobEvent? last = null;
        try
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync(ct))
            {
                last = e;
                if (IsTerminal(e.State))
                    return e;
            }
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded && !ct.IsCancellationRequested)
        {
        }
        return last;
    }

    public static bool IsTerminal(JobState state) => state is JobState.Done or JobState.Failed or JobState.Cancelled;

    private DateTime Deadline() => DateTime.UtcNow + _options.CallTimeout;

    public void Dispose() => _channel.Dispose();
}
