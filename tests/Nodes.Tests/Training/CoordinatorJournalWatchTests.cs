using Akka.Actor;
using Akka.TestKit.Xunit2;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Tests.Shared;
using Xunit;
using static QD3PM.Nodes.Training.CoordinatorProtocol;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>The node's watch on its coordinator's journal: what it keeps from the event stream and what it tells other nodes.</summary>
public sealed class CoordinatorJournalWatchTests() : TestKit(ActorTestConfig.InMemoryJournal)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private async Task<string> StateAskedByAnotherNode()
    {
        var listener = Sys.ActorSelection($"/user/{CoordinatorJournalWatch.Name}");
        var state = await listener.Ask<CoordinatorJournalState>(new GetCoordinatorJournalState(), Wait);
        return state.DataError;
    }

    private void Publish(object e) => Sys.EventStream.Publish(e);

    [Fact]
    public async Task A_data_error_is_kept_until_the_coordinator_recovers_and_is_told_to_other_nodes()
    {
        var watch = new CoordinatorJournalWatch();
        watch.Start(Sys);
        Assert.Null(watch.DataError);
        Assert.Equal("", await StateAskedByAnotherNode());

        Publish(new CoordinatorJournalFailed("reading the registry failed: bad record", DatabaseUnreachable: false));
        await AwaitAssertAsync(() => Assert.Equal("reading the registry failed: bad record", watch.DataError), Wait);
        Assert.Equal("reading the registry failed: bad record", await StateAskedByAnotherNode());
        // the local error is the answer without asking other nodes
        Assert.Equal("reading the registry failed: bad record", await watch.DataErrorInClusterAsync(Sys, "coordinator", Wait));

        Publish(CoordinatorRecovered.Instance);
        await AwaitAssertAsync(() => Assert.Null(watch.DataError), Wait);
        Assert.Equal("", await StateAskedByAnotherNode());
    }

    [Fact]
    public async Task An_outage_is_not_a_data_error_and_clears_an_earlier_one()
    {
        var watch = new CoordinatorJournalWatch();
        watch.Start(Sys);
        Publish(new CoordinatorJournalFailed("bad record", DatabaseUnreachable: false));
        await AwaitAssertAsync(() => Assert.NotNull(watch.DataError), Wait);
        Publish(new CoordinatorJournalFailed("connection refused", DatabaseUnreachable: true));
        await AwaitAssertAsync(() => Assert.Null(watch.DataError), Wait);
        Assert.Equal("", await StateAskedByAnotherNode());
    }
}
