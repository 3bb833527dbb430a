using Akka.Actor;
using QD3PM.Nodes.Training;

namespace QD3PM.Seed.Training;

/// <summary>
/// Watches an embedded node's event stream for its coordinator failing to read its own journal for a reason other than an
/// outage (<see cref="CoordinatorProtocol.CoordinatorJournalFailed"/>): a record that cannot be read does not become readable by
/// waiting, so the embedded `train` stops at once instead of waiting a minute for a submit nobody answers. The coordinator
/// retries every few seconds, so a failure published before this watch subscribed is seen on the next attempt.
/// </summary>
public sealed class CoordinatorJournalWatch
{
    private readonly TaskCompletionSource<string> _unreadable = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private CoordinatorJournalWatch() { }

    /// <summary>Completes with the coordinator's one-line error once its journal fails on a stored record; never otherwise.</summary>
    public Task<string> Unreadable => _unreadable.Task;

    public static CoordinatorJournalWatch Start(ActorSystem system)
    {
        var watch = new CoordinatorJournalWatch();
        var listener = system.ActorOf(Props.Create(() => new Listener(watch._unreadable)), "coordinator-journal-watch");
        system.EventStream.Subscribe(listener, typeof(CoordinatorProtocol.CoordinatorJournalFailed));
        return watch;
    }

    private sealed class Listener : ReceiveActor
    {
        public Listener(TaskCompletionSource<string> unreadable) =>
            Receive<CoordinatorProtocol.CoordinatorJournalFailed>(failed =>
            {
                if (!failed.DatabaseUnreachable)
                    unreadable.TrySetResult(failed.Error);
            });
    }
}
