using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Workers;

/// <summary>Local (never remote) messages of <see cref="WorkerActor"/>.</summary>
public static class WorkerProtocol
{
    /// <summary>Periodic re-announcement of free capacity (survives a coordinator restart or hand-over).</summary>
    public sealed record PullTick
    {
        public static readonly PullTick Instance = new();
    }

    /// <summary>An item finished on the executor: Result or Error is set.</summary>
    public sealed record Finished(WorkItem Item, SampleGradient? Result, Exception? Error, double ElapsedMs);

    /// <summary>
    /// Self-message: items finished (see <see cref="CompletionInbox"/>); one message for however many finished while
    /// the actor was busy, not one per item.
    /// </summary>
    public sealed record CollectFinished
    {
        public static readonly CollectFinished Instance = new();
    }

    /// <summary>Self-message: send the results finished so far (the linger of the oldest one is over).</summary>
    public sealed record FlushResults
    {
        public static readonly FlushResults Instance = new();
    }

    /// <summary>Coordinated shutdown: hand in-flight items back, take no new ones; replies <see cref="Drained"/>.</summary>
    public sealed record Drain
    {
        public static readonly Drain Instance = new();
    }

    public sealed record Drained(int ReturnedItems);

    /// <summary>
    /// Operator drain (`qd3pm worker drain`): hand back prefetched items, take no new ones, but finish the items
    /// already running. Replies <see cref="DrainProgress"/> at once and <see cref="WorkerIdle"/> when nothing runs.
    /// </summary>
    public sealed record GracefulDrain
    {
        public static readonly GracefulDrain Instance = new();
    }

    public sealed record DrainProgress(int InFlight, int Returned);

    public sealed record WorkerIdle(string Kind);
}
