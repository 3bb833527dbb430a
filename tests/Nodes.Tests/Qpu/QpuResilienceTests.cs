using Grpc.Core;
using Polly;
using Polly.Retry;
using Polly.Testing;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Nodes.Workers;
using Xunit;

namespace QD3PM.Nodes.Tests.Qpu;

/// <summary>The QPU proxy's one resilience pipeline: its composition (Polly.Testing) and its behaviour under injected faults.</summary>
public sealed class QpuResilienceTests
{
    private static readonly QpuProxyOptions Options = new()
    {
        Url = new Uri("http://127.0.0.1:1"), InitialBackoff = TimeSpan.FromMilliseconds(1), MaxBackoff = TimeSpan.FromMilliseconds(4),
    };

    [Fact]
    public void The_pipeline_is_one_unbounded_exponential_retry_with_jitter_and_the_configured_delays()
    {
        var pipeline = QpuResilience.Create(Options with { InitialBackoff = TimeSpan.FromMilliseconds(200), MaxBackoff = TimeSpan.FromSeconds(5) }, (_, _) => { });
        var descriptor = pipeline.GetPipelineDescriptor();
        var retry = Assert.IsType<RetryStrategyOptions>(Assert.Single(descriptor.Strategies).Options);
        Assert.Equal(int.MaxValue, retry.MaxRetryAttempts);
        Assert.Equal(DelayBackoffType.Exponential, retry.BackoffType);
        Assert.True(retry.UseJitter);
        Assert.Equal(TimeSpan.FromMilliseconds(200), retry.Delay);
        Assert.Equal(TimeSpan.FromSeconds(5), retry.MaxDelay);
    }

    [Theory]
    [InlineData(StatusCode.Unavailable)]
    [InlineData(StatusCode.DeadlineExceeded)]
    [InlineData(StatusCode.NotFound)]
    public async Task Transient_faults_are_retried_until_the_call_succeeds(StatusCode code)
    {
        var seen = new List<Exception>();
        var pipeline = QpuResilience.Create(Options, (ex, _) => seen.Add(ex));
        int calls = 0;
        var result = await pipeline.ExecuteAsync(_ =>
        {
            calls++;
            if (calls <= 2) throw new RpcException(new Status(code, "injected"));
            if (calls == 3) throw new QpuTransientException("job failed transiently", jobFailed: true);
            return ValueTask.FromResult(42);
        });
        Assert.Equal(42, result);
        Assert.Equal(4, calls);
        Assert.Equal(3, seen.Count);
        Assert.IsType<QpuTransientException>(seen[2]);
    }

    [Theory]
    [InlineData(StatusCode.Unauthenticated)]
    [InlineData(StatusCode.InvalidArgument)]
    [InlineData(StatusCode.PermissionDenied)]
    public async Task Refusals_and_permanent_failures_are_not_retried(StatusCode code)
    {
        var pipeline = QpuResilience.Create(Options, (_, _) => Assert.Fail("retried a refusal"));
        int calls = 0;
        await Assert.ThrowsAsync<RpcException>(async () => await pipeline.ExecuteAsync<int>(_ => { calls++; throw new RpcException(new Status(code, "no")); }));
        await Assert.ThrowsAsync<PermanentWorkException>(async () => await pipeline.ExecuteAsync<int>(_ => { calls++; throw new PermanentWorkException("budget"); }));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Cancellation_ends_an_outage_wait()
    {
        var pipeline = QpuResilience.Create(Options with { InitialBackoff = TimeSpan.FromMilliseconds(20), MaxBackoff = TimeSpan.FromMilliseconds(20) }, (_, _) => { });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        int calls = 0;
        // the callback ignores the token on purpose: a cancellation that arrives during an attempt must still end the
        // wait with OperationCanceledException, not with that attempt's fault
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pipeline.RunAsync<int>(
            _ => { calls++; Thread.Sleep(5); throw new RpcException(new Status(StatusCode.Unavailable, "down")); }, cts.Token));
        Assert.True(calls > 2, $"only {calls} attempts before cancellation");
    }

    [Fact]
    public async Task A_cancellation_during_an_attempt_ends_with_OperationCanceledException_not_the_attempts_fault()
    {
        var pipeline = QpuResilience.Create(Options, (_, _) => { });
        using var cts = new CancellationTokenSource();
        var ex = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pipeline.RunAsync<int>(_ =>
        {
            cts.Cancel(); // the caller gives up while this attempt is on the wire
            throw new RpcException(new Status(StatusCode.Unavailable, "down"));
        }, cts.Token));
        Assert.IsType<RpcException>(ex.InnerException);
    }
}
