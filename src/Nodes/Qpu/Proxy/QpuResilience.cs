using Grpc.Core;
using Polly;
using Polly.Retry;

namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>
/// The one place where a QPU-proxy worker's retry policy is configured (a Polly.Core resilience pipeline): every QPU
/// call and every job attempt runs through it. Transient faults — the QPU unreachable or overloaded
/// (<c>UNAVAILABLE</c>, <c>DEADLINE_EXCEEDED</c>, <c>RESOURCE_EXHAUSTED</c>, <c>ABORTED</c>, <c>INTERNAL</c>,
/// <c>UNKNOWN</c>, <c>NOT_FOUND</c> for a job id it lost), a job that failed transiently or was cancelled, a watch stream that ended early — are retried with
/// exponential backoff from <see cref="QpuProxyOptions.InitialBackoff"/> up to <see cref="QpuProxyOptions.MaxBackoff"/>
/// with jitter, without a limit on attempts: an outage pauses QPU work, it never fails an item (the coordinator
/// counts failed items towards its max-attempts). Everything else (refused credentials, a request the QPU can never
/// run, a budget refusal) passes straight through. Per-call deadlines stay gRPC deadlines (<see cref="QpuClient"/>):
/// the server sees them.
/// </summary>
public static class QpuResilience
{
    /// <summary>gRPC codes after which the same request may succeed later.</summary>
    public static bool IsTransient(StatusCode code) => code is StatusCode.Unavailable or StatusCode.DeadlineExceeded
        or StatusCode.ResourceExhausted or StatusCode.Aborted or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled
        or StatusCode.NotFound; // a job id the QPU lost: the retry submits the same key again

    /// <param name="options">backoff settings</param>
    /// <param name="onRetry">told about each transient fault before the delay (outage bookkeeping, statistics)</param>
    /// <param name="time">clock for the delays (tests pass a fake one)</param>
    public static ResiliencePipeline Create(QpuProxyOptions options, Action<Exception, TimeSpan> onRetry, TimeProvider? time = null)
    {
        var builder = new ResiliencePipelineBuilder { TimeProvider = time ?? TimeProvider.System };
        return builder.AddRetry(new RetryStrategyOptions
        {
            Name = "qpu-transient",
            ShouldHandle = args => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested && args.Outcome.Exception switch
            {
                RpcException rpc => IsTransient(rpc.StatusCode),
                QpuTransientException => true,
                _ => false,
            }),
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            Delay = options.InitialBackoff,
            MaxDelay = options.MaxBackoff,
            UseJitter = true,
            OnRetry = args =>
            {
                onRetry(args.Outcome.Exception!, args.RetryDelay);
                return default;
            },
        }).Build();
    }

    /// <summary>
    /// Runs <paramref name="call"/> through <paramref name="pipeline"/>; once <paramref name="ct"/> is cancelled the
    /// caller sees an <see cref="OperationCanceledException"/>, never the transient fault of the attempt that was
    /// running when the cancellation came (Polly returns that attempt's outcome as it is, so an outage wait ended by
    /// cancellation would otherwise look like a QPU failure).
    /// </summary>
    public static async Task<T> RunAsync<T>(this ResiliencePipeline pipeline, Func<CancellationToken, ValueTask<T>> call, CancellationToken ct)
    {
        try
        {
            return await pipeline.ExecuteAsync(call, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ct.IsCancellationRequested)
        {
            throw new OperationCanceledException("the QPU call was cancelled", ex, ct);
        }
    }
}
