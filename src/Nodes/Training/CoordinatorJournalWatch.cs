using Akka.Actor;
using static QD3PM.Nodes.Training.CoordinatorProtocol;

namespace QD3PM.Nodes.Training;

/// <summary>
/// What this node knows of its coordinator's journal: whether the coordinator (if the singleton runs here) last failed to
/// recover its run registry on a stored record, not an outage (<see cref="CoordinatorJournalFailed"/>). Such a record
/// does not become readable by waiting, while nothing answers a submit meanwhile: an embedded `train` and the management
/// service ask this before calling the coordinator unreachable. One per node, subscribed before the coordinator starts.
/// </summary>
public sealed class CoordinatorJournalWatch
{
    private volatile string? _dataError;

    /// <summary>The coordinator's one-line error while its last recovery failed on a stored record (not since recovered), else null.</summary>
    public string? DataError => _dataError;

    /// <summary>Subscribes to the node's event stream (once, before the coordinator singleton is started).</summary>
    public void Start(ActorSystem system)
    {
        var listener = system.ActorOf(Props.Create(() => new Listener(this)), "coordinator-journal-watch");
        system.EventStream.Subscribe(listener, typeof(CoordinatorJournalFailed));
        system.EventStream.Subscribe(listener, typeof(CoordinatorRecovered));
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(CoordinatorJournalWatch watch)
        {
            // An outage clears it too: the last failure is what counts (the record may have been repaired meanwhile).
            Receive<CoordinatorJournalFailed>(failed => watch._dataError = failed.DatabaseUnreachable ? null : failed.Error);
            Receive<CoordinatorRecovered>(_ => watch._dataError = null);
        }
    }
}
