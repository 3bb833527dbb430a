using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

public sealed class WorkLedgerTests
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static WorkItem Item(int sample, int block = 0, long step = 0) =>
        new() { Id = new WorkItemId { RunId = "r", Step = step, Sample = sample, Block = block } };

    [Fact]
    public void Items_are_handed_out_in_order_and_counted_per_worker()
    {
        var ledger = new WorkLedger<string>();
        ledger.Enqueue([Item(0), Item(1), Item(2)]);
        Assert.Equal(0, ledger.TakeFor("a", Now.AddMinutes(1))!.Id.Sample);
        Assert.Equal(1, ledger.TakeFor("b", Now.AddMinutes(1))!.Id.Sample);
        Assert.Equal(1, ledger.HeldCount("a"));
        Assert.Equal(2, ledger.TakeFor("a", Now.AddMinutes(1))!.Id.Sample);
        Assert.Null(ledger.TakeFor("a", Now.AddMinutes(1)));
        Assert.Equal(2, ledger.HeldCount("a"));
    }

    [Fact]
    public void Backend_policy_filter_skips_items_a_worker_kind_may_not_take_and_keeps_their_place()
    {
        var ledger = new WorkLedger<string>();
        WorkItem With(int sample, string policy) { var i = Item(sample); i.BackendPolicy = policy; return i; }
        ledger.Enqueue([With(0, "sim-only"), With(1, "qpu-only"), With(2, "mixed"), With(3, "")]);
        bool Qpu(WorkItem i) => WorkerKinds.Accepts(i.BackendPolicy, WorkerKinds.QpuProxy);
        bool Sim(WorkItem i) => WorkerKinds.Accepts(i.BackendPolicy, WorkerKinds.Simulator);
        Assert.Equal(1, ledger.TakeFor("qpu", Now, Qpu)!.Id.Sample);
        Assert.Equal(2, ledger.TakeFor("qpu", Now, Qpu)!.Id.Sample);
        Assert.Null(ledger.TakeFor("qpu", Now, Qpu)); // sim-only and unnamed (sim-only) items stay for simulators
        Assert.Equal(0, ledger.TakeFor("sim", Now, Sim)!.Id.Sample);
        Assert.Equal(3, ledger.TakeFor("sim", Now, Sim)!.Id.Sample);
        Assert.Equal(0, ledger.QueuedCount);
    }

    [Fact]
    public void First_result_wins_and_duplicates_are_rejected()
    {
        var ledger = new WorkLedger<string>();
        ledger.Enqueue([Item(0)]);
        var item = ledger.TakeFor("a", Now)!;
        Assert.True(ledger.Complete(ItemKey.From(item.Id)));
        Assert.False(ledger.Complete(ItemKey.From(item.Id)));
        Assert.Equal(0, ledger.OutstandingCount);
        Assert.Equal(0, ledger.HeldCount("a"));
    }

    [Fact]
    public void Items_of_a_lost_worker_go_back_to_the_front_of_the_queue()
    {
        var ledger = new WorkLedger<string>();
        ledger.Enqueue([Item(0), Item(1), Item(2)]);
        ledger.TakeFor("dead", Now.AddMinutes(1));
        ledger.TakeFor("alive", Now.AddMinutes(1));
        var released = ledger.ReleaseWorker("dead");
        Assert.Single(released);
        Assert.Equal(0, ledger.HeldCount("dead"));
        var next = ledger.TakeFor("alive", Now.AddMinutes(1))!;
        Assert.Equal(0, next.Id.Sample);
        Assert.Equal(2, next.Attempt);
    }

    [Fact]
    public void Expired_items_are_requeued_and_a_late_result_still_counts_once()
    {
        var ledger = new WorkLedger<string>();
        ledger.Enqueue([Item(0)]);
        ledger.TakeFor("slow", Now);
        Assert.Single(ledger.ReleaseExpired(Now.AddSeconds(1)));
        ledger.TakeFor("fast", Now.AddMinutes(1));
        Assert.True(ledger.Complete(new ItemKey("r", 0, 0, 0)));   // the slow worker answers late: accepted once
        Assert.False(ledger.Complete(new ItemKey("r", 0, 0, 0)));  // the re-run's answer is the duplicate
        Assert.Null(ledger.TakeFor("fast", Now));
    }

    [Fact]
    public void Enqueueing_an_outstanding_item_again_does_not_duplicate_it()
    {
        var ledger = new WorkLedger<string>();
        ledger.Enqueue([Item(0)]);
        ledger.Enqueue([Item(0), Item(1)]);
        Assert.Equal(2, ledger.OutstandingCount);
        Assert.Equal(2, ledger.QueuedCount);
    }

    [Fact]
    public void Dropping_a_run_forgets_its_items()
    {
        var ledger = new WorkLedger<string>();
        ledger.Enqueue([Item(0), Item(1)]);
        ledger.TakeFor("a", Now);
        ledger.DropRun("r");
        Assert.Equal(0, ledger.OutstandingCount);
        Assert.Equal(0, ledger.HeldCount("a"));
        Assert.Null(ledger.TakeFor("a", Now));
    }
}
