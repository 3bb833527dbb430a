using Akka.TestKit.Xunit2;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using Xunit;
using static QD3PM.Nodes.Workers.WorkerProtocol;

namespace QD3PM.Nodes.Tests.Workers;

/// <summary>Items finishing on executor threads reach their actor in one message per collection, none lost.</summary>
public sealed class CompletionInboxTests : TestKit
{
    private static Finished Done(int sample) =>
        new(new WorkItem { Id = new WorkItemId { RunId = "r", Step = 1, Sample = sample } }, null, null, 0);

    [Fact]
    public void Items_that_finish_before_the_actor_collects_share_one_message()
    {
        var inbox = new CompletionInbox(TestActor);
        inbox.Post(Done(0));
        inbox.Post(Done(1));
        inbox.Post(Done(2));
        ExpectMsg<CollectFinished>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.Equal([0, 1, 2], inbox.Collect().Select(f => f.Item.Id.Sample));

        inbox.Post(Done(3)); // after a collection the next item signals again
        ExpectMsg<CollectFinished>();
        Assert.Equal(3, Assert.Single(inbox.Collect()).Item.Id.Sample);
    }

    [Fact]
    public async Task Items_posted_from_many_threads_are_all_collected()
    {
        var inbox = new CompletionInbox(TestActor);
        const int count = 4000;
        var posting = Enumerable.Range(0, 4).Select(t => Task.Run(() =>
        {
            for (int i = t; i < count; i += 4)
                inbox.Post(Done(i));
        })).ToArray();
        var collected = new List<int>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (collected.Count < count && DateTime.UtcNow < deadline)
        {
            ExpectMsg<CollectFinished>(TimeSpan.FromSeconds(5)); // every item is behind some signal
            collected.AddRange(inbox.Collect().Select(f => f.Item.Id.Sample));
        }
        await Task.WhenAll(posting);
        Assert.Equal(Enumerable.Range(0, count), collected.Order());
    }
}
