using QD3PM.Nodes.Training;
using Xunit;
using Measure = QD3PM.Nodes.Training.PriceAwareRouting.Measure;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>`--backend-policy cheapest`: the cheapest worker whose measured throughput keeps up gets the work.</summary>
public sealed class PriceAwareRoutingTests
{
    // A simulator: free, 4 slots, 20 ms per item = 200 items/s. A QPU: 0.5 per item, 1 slot, 2 s per item.
    private static readonly Measure Simulator = new(Live: true, Capacity: 4, Held: 4, ItemsDone: 100, MeanLatencyMs: 20, PricePerItem: 0);
    private static readonly Measure Qpu = new(Live: true, Capacity: 1, Held: 0, ItemsDone: 10, MeanLatencyMs: 2_000, PricePerItem: 0.5);

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
        var unmeasured = Simulator with { ItemsDone = 0, MeanLatencyMs = 0 };
        var gone = Simulator with { Live = false };
        Assert.True(PriceAwareRouting.MayTake(Qpu, [unmeasured, gone], queued: 1));
        Assert.True(PriceAwareRouting.MayTake(Qpu with { ItemsDone = 0, MeanLatencyMs = 0, PricePerItem = 0 }, [Simulator], queued: 1));
    }

    [Fact]
    public void Equally_priced_workers_share_by_pull_as_in_a_mixed_pool()
    {
        var otherQpu = Qpu with { Capacity = 8, MeanLatencyMs = 10 };
        Assert.True(PriceAwareRouting.MayTake(Qpu, [otherQpu], queued: 1));
    }

    private static RecentMeasure Recorded(int items, double latencyMs, double cost, RecentMeasure? onto = null)
    {
        var m = onto ?? new RecentMeasure();
        for (int i = 0; i < items; i++) m.Record(latencyMs, cost);
        return m;
    }

    [Fact]
    public void A_simulator_that_got_slow_lets_the_qpu_in_and_shuts_it_out_again_once_it_is_fast()
    {
        // 1,000 items at 20 ms, then 20 at 400 ms: all-time that is still 27 ms a item (145 items/s, the QPU would wait);
        // recently it is about 350 ms (11 items/s), so 104 items of backlog take the simulator 9 s > the QPU's 2 s.
        var simulator = Recorded(1_000, 20, 0);
        var qpu = Recorded(10, 2_000, 0.5).Of(live: true, capacity: 1, held: 0);
        Assert.False(PriceAwareRouting.MayTake(qpu, [simulator.Of(true, 4, 4)], queued: 100));
        Recorded(20, 400, 0, onto: simulator);
        Assert.InRange(simulator.MeanLatencyMs, 300, 400);
        Assert.True(PriceAwareRouting.MayTake(qpu, [simulator.Of(true, 4, 4)], queued: 100));
        Recorded(30, 20, 0, onto: simulator); // fast again: the QPU waits again
        Assert.False(PriceAwareRouting.MayTake(qpu, [simulator.Of(true, 4, 4)], queued: 100));
    }

    [Fact]
    public void A_backend_whose_price_changed_is_re_ranked_by_its_recent_items()
    {
        // Two QPUs: B was cheaper (0.3 an item against A's 0.5) and fast enough, so A waited; then B's items cost 0.8.
        var a = Recorded(50, 1_000, 0.5);
        var b = Recorded(200, 100, 0.3);
        Assert.False(PriceAwareRouting.MayTake(a.Of(true, 1, 0), [b.Of(true, 8, 8)], queued: 10));
        Assert.True(PriceAwareRouting.MayTake(b.Of(true, 8, 8), [a.Of(true, 1, 0)], queued: 10));
        Recorded(15, 100, 0.8, onto: b);
        Assert.True(b.PricePerItem > a.PricePerItem, $"{b.PricePerItem}");
        Assert.True(PriceAwareRouting.MayTake(a.Of(true, 1, 0), [b.Of(true, 8, 8)], queued: 10)); // now A is the cheapest
    }

    [Fact]
    public void The_first_item_sets_the_recent_means_and_later_ones_move_them_by_their_weight()
    {
        var m = Recorded(1, 100, 2);
        Assert.Equal((1L, 100.0, 2.0), (m.ItemsDone, m.MeanLatencyMs, m.PricePerItem));
        m.Record(200, 0);
        Assert.Equal(100 + RecentMeasure.Weight * 100, m.MeanLatencyMs, 12);
        Assert.Equal(2 - RecentMeasure.Weight * 2, m.PricePerItem, 12);
    }
}
