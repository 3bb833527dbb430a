using Akka.Actor;
using Akka.Cluster;
using QD3PM.Protocol.Cluster;
using static QD3PM.Nodes.Training.CoordinatorProtocol;

namespace QD3PM.Nodes.Training;

/// <summary>
/// What this node knows of its coordinator's journal: whether the coordinator (if the singleton runs here) last failed to
/// recover its run registry on a stored record, not an outage (<see cref="CoordinatorJournalFailed"/>). Such a record
/// does not become readable by waiting, while nothing answers a submit meanwhile: an embedded `train` and the management
/// service ask this before calling the coordinator unreachable. One per node, subscribed before the coordinator starts;
/// its listener at <c>/user/coordinator-journal-watch</c> answers other nodes too (<see cref="GetCoordinatorJournalState"/>),
/// so a management service on a node without the singleton tells the same thing (<see cref="DataErrorInClusterAsync"/>).
/// </summary>
public sealed class CoordinatorJournalWatch
{
    public const string Name = "coordinator-journal-watch";

    private volatile string? _dataError;

    /// <summary>The coordinator's one-line error while its last recovery here failed on a stored record (not since recovered), else null.</summary>
    public string? DataError => _dataError;

    /// <summary>Subscribes to the node's event stream (once, before the coordinator singleton is started).</summary>
    public void Start(ActorSystem system)
    {
        var listener = system.ActorOf(Props.Create(() => new Listener(this)), Name);
        system.EventStream.Subscribe(listener, typeof(CoordinatorJournalFailed));
        system.EventStream.Subscribe(listener, typeof(CoordinatorRecovered));
    }

    /// <summary>
    /// <see cref="DataError"/> of this node, else of the first reachable member of <paramref name="coordinatorRole"/>
    /// whose watch reports one (the singleton runs on one of them; they are asked in parallel, each within
    /// <paramref name="timeout"/>; one that does not answer counts as fine). Null when none reports an unreadable record.
    /// </summary>
    public async Task<string?> DataErrorInClusterAsync(ActorSystem system, string coordinatorRole, TimeSpan timeout)
    {
        if (DataError is { } local)
            return local;
        var cluster = Cluster.Get(system);
        var unreachable = cluster.State.Unreachable.Select(m => m.Address).ToHashSet();
        var others = cluster.State.Members
            .Where(m => m.Status == MemberStatus.Up && m.HasRole(coordinatorRole) && m.Address != cluster.SelfAddress && !unreachable.Contains(m.Address))
            .Select(m => AskAsync(system, m.Address, timeout));
        return (await Task.WhenAll(others)).FirstOrDefault(e => e is not null);
    }

    private static async Task<string?> AskAsync(ActorSystem system, Address address, TimeSpan timeout)
    {
        // a node that does not answer (an older build, or gone meanwhile) reports nothing
        var state = await MemberAsk.OrNullAsync<CoordinatorJournalState>(system, address, Name, new GetCoordinatorJournalState(), timeout);
        return string.IsNullOrEmpty(state?.DataError) ? null : state.DataError;
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(CoordinatorJournalWatch watch)
        {
            // An outage clears it too: the last failure is what counts (the record may have been repaired meanwhile).
            Receive<CoordinatorJournalFailed>(failed => watch._dataError = failed.DatabaseUnreachable ? null : failed.Error);
            Receive<CoordinatorRecovered>(_ => watch._dataError = null);
            Receive<GetCoordinatorJournalState>(_ => Sender.Tell(new CoordinatorJournalState { DataError = watch._dataError ?? "" }));
        }
    }
}
