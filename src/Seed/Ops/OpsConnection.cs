using Grpc.Core;
using QD3PM.Nodes.Security;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Ops;

/// <summary>
/// A client of one node's management endpoint (Admin and Training services) for the ops commands: short connect
/// timeout and deadlines, the bearer token on every call, and every gRPC failure turned into one CLI error line.
/// </summary>
public sealed class OpsConnection : IDisposable
{
    public const string DefaultNode = "127.0.0.1:5053";
    private static readonly TimeSpan UnaryDeadline = TimeSpan.FromSeconds(15);
    private readonly ClientChannel _channel;

    public OpsConnection(string node, string? token, ClusterCredentials? certificates = null)
    {
        Node = node;
        try
        {
            // An unreachable node should fail in seconds, not after the OS's TCP timeout.
            _channel = GrpcChannels.Create(node, "--node", certificates, token, handler => handler.ConnectTimeout = TimeSpan.FromSeconds(3));
        }
        catch (ArgumentException)
        {
            throw new CliException($"--node must be HOST:PORT of a node's management endpoint, not '{node}'");
        }
        catch (ClusterCertificateException ex)
        {
            throw CertsOption.Fail(ex);
        }
        var invoker = _channel.Invoker;
        Admin = new Admin.AdminClient(invoker);
        Training = new QD3PM.Protocol.Management.Training.TrainingClient(invoker);
    }

    public string Node { get; }
    public Admin.AdminClient Admin { get; }
    public QD3PM.Protocol.Management.Training.TrainingClient Training { get; }

    public static DateTime Deadline => DateTime.UtcNow + UnaryDeadline;

    /// <summary>Runs one call; gRPC failures become a <see cref="CliException"/> with one clear line.</summary>
    public async Task<T> Call<T>(Func<CallOptions, AsyncUnaryCall<T>> call, CancellationToken ct)
    {
        try
        {
            return await call(new CallOptions(deadline: Deadline, cancellationToken: ct)).ResponseAsync;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (RpcException ex)
        {
            throw Translate(ex);
        }
    }

    /// <summary>Reads a server stream to its end (or until <paramref name="ct"/> fires: then returns quietly).</summary>
    public async Task Stream<T>(Func<CallOptions, AsyncServerStreamingCall<T>> call, Func<T, Task> onItem, CancellationToken ct)
    {
        try
        {
            using var streaming = call(new CallOptions(cancellationToken: ct));
            await foreach (var item in streaming.ResponseStream.ReadAllAsync(ct))
                await onItem(item);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && ct.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        catch (RpcException ex)
        {
            throw Translate(ex);
        }
    }

    public CliException Translate(RpcException ex)
    {
        var detail = OneLine(ex.Status.Detail);
        if (_channel.ExplainTransportFailure(ex) is { } tls)
            return new CliException($"cannot reach the node at {Node}: {tls}", ExitCodes.Certificate);
        return ex.StatusCode switch
        {
            StatusCode.Unauthenticated => new CliException($"the node at {Node} refused the call: {detail} (give --token or set QD3PM_TOKEN)", ExitCodes.TokenRefused),
            StatusCode.NotFound or StatusCode.InvalidArgument or StatusCode.FailedPrecondition => new CliException(detail),
            StatusCode.Unavailable or StatusCode.DeadlineExceeded => new CliException($"cannot reach the node at {Node}: {detail}", ExitCodes.Unreachable),
            StatusCode.DataLoss => new CliException($"the node at {Node}: {detail}", ExitCodes.JournalDamaged),
            StatusCode.Unimplemented => new CliException($"the node at {Node} does not offer this operation (older version?)", ExitCodes.Unreachable),
            _ => new CliException($"the node at {Node} failed: {ex.StatusCode}: {detail}", ExitCodes.Failed),
        };
    }

    private static string OneLine(string text) => string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public void Dispose() => _channel.Dispose();
}
