using QD3PM.Nodes.Training;
using Xunit;
using Measure = QD3PM.Nodes.Training.PriceAwareRouting.Measure;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>`--backend-policy cheapest`: the cheapest worker whose measured throughput keeps up gets the work.</summary>
public sealed class PriceAwareRoutingTests
{
    // A simulator: free, 4 slots, 20 ms per item = 200 items/s. A QPU: 0.5 per item, 1 slot, 2 s per item.
    private static readonly Measure Simulator = new(Live: true, Capacity: 4, Held: 4, ItemsDone: 100, TotalLatencyMs: 2_000, TotalCost: 0);
    private static readonly Measure Qpu = new(Live: true, Capacity: 1, Held: 0, ItemsDone: 10, TotalLatencyMs: 20_000, TotalCost: 5);

    [Fact]
    public void A_pricier_worker_waits_while_the_cheaper_ones_finish_the_backlog_before_it_would_finish_one_item()
    {
        Assert.False(PriceAwareRouting.MayTake(Qpu, [Simulator], queued: 100)); // (100 + 4) / 200 per s = 0.52 s < 2 s
        Assert.True(PriceAwareRouting.MayTake(Qpu, [Simulator], queued: 500)); // 2.52 s > 2 s: the QPU shortens the step
        Assert.True(PriceAwareRouting.MayTake(Simulator, [Qpu], queued: 1)); // the cheapest always may
    }

    [Fact]
    public void Unmeasured_or_gone_workers_do_not_hold_a_pricier_one_back_and_an_unmeasured_one_may_take_to_be_measured()
    {
        var unmeasured = Simulator with { ItemsDone = 0, TotalLatencyMs = 0 };
        var gone = Simulator with { Live = false };
        Assert.True(PriceAwareRouting.MayTake(Qpu, [unmeasured, gone], queued: 1));
        Assert.True(PriceAwareRouting.MayTake(Qpu with { ItemsDone = 0, TotalLatencyMs = 0, TotalCost = 0 }, [Simulator], queued: 1));
    }

    [Fact]
    public void Equally_priced_workers_share_by_pull_as_in_a_mixed_pool()
    {
        var otherQpu = Qpu with { Capacity = 8, TotalLatencyMs = 100 };
        Assert.True(PriceAwareRouting.MayTake(Qpu, [otherQpu], queued: 1));
    }
}
