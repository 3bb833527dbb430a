using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Workers;

public sealed class StepInputCacheTests
{
    private static StepInputs Inputs(string run, long step, bool available = true) => new() { RunId = run, Step = step, Available = available };

    [Fact]
    public async Task Concurrent_items_of_one_step_share_one_fetch()
    {
        var cache = new StepInputCache();
        int fetches = 0;
        var gate = new TaskCompletionSource<StepInputs>(TaskCreationOptions.RunContinuationsAsynchronously);
        var waiting = Enumerable.Range(0, 16).Select(_ => Task.Run(() => cache.GetAsync("r", 3, () =>
        {
            Interlocked.Increment(ref fetches);
            return gate.Task;
        }))).ToList();
        await Task.Delay(50);
        gate.SetResult(Inputs("r", 3));
        var all = await Task.WhenAll(waiting);
        Assert.Equal(1, fetches);
        Assert.All(all, i => Assert.Equal(3, i.Step));
        await cache.GetAsync("r", 3, () => throw new InvalidOperationException("must not fetch again"));
        await cache.GetAsync("r", 4, () => { fetches++; return Task.FromResult(Inputs("r", 4)); });
        Assert.Equal(2, fetches);
    }

    [Fact]
    public async Task Unavailable_and_failed_fetches_are_forgotten_and_old_steps_evicted()
    {
        var cache = new StepInputCache();
        Assert.False((await cache.GetAsync("r", 1, () => Task.FromResult(Inputs("r", 1, available: false)))).Available);
        await Assert.ThrowsAsync<TimeoutException>(() => cache.GetAsync("r", 2, () => Task.FromException<StepInputs>(new TimeoutException())));
        Assert.True((await cache.GetAsync("r", 1, () => Task.FromResult(Inputs("r", 1)))).Available);
        Assert.True((await cache.GetAsync("r", 2, () => Task.FromResult(Inputs("r", 2)))).Available);
        for (int step = 3; step < 3 + 2 * StepInputCache.Capacity; step++)
        {
            long s = step;
            await cache.GetAsync("r", s, () => Task.FromResult(Inputs("r", s)));
        }
        Assert.True(cache.Count <= StepInputCache.Capacity);
    }
}
