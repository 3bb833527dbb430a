using Akka.Actor;
using static QD3PM.Nodes.Workers.WorkerProtocol;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// Where executor threads leave finished items for their worker actor. A message per item costs a thread-pool hop
/// each (the actor's mailbox is scheduled, a pool thread woken): on a small model that was a large share of a step
/// (issue 13). Here the first item to finish sends one <see cref="CollectFinished"/>, and every item that finishes
/// before the actor collects joins it.
/// </summary>
public sealed class CompletionInbox(IActorRef owner)
{
    private readonly System.Collections.Concurrent.ConcurrentQueue<Finished> _finished = new();
    private int _signalled; // 1 while a CollectFinished is on its way or being handled

    /// <summary>Called on any thread when an item finishes.</summary>
    public void Post(Finished finished)
    {
        _finished.Enqueue(finished);
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
            owner.Tell(CollectFinished.Instance);
    }

    /// <summary>
    /// On the actor's thread: everything finished so far. Clears the signal first, so an item finishing during the
    /// collection sends a new message (at worst one that finds nothing left).
    /// </summary>
    public List<Finished> Collect()
    {
        Volatile.Write(ref _signalled, 0);
        var collected = new List<Finished>(_finished.Count);
        while (_finished.TryDequeue(out var finished))
            collected.Add(finished);
        return collected;
    }
}
