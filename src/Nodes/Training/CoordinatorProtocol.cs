using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>Local messages between <see cref="CoordinatorActor"/>, its <see cref="RunActor"/> children and its node (same process).</summary>
public static class CoordinatorProtocol
{
    /// <summary>
    /// Run -> coordinator: the items of the run's current step, to hand out, and the step's inputs (pushed with the
    /// first hand-out of the step to each worker that takes batches).
    /// </summary>
    public sealed record EnqueueStep(string RunId, long Step, IReadOnlyList<WorkItem> Items, StepInputs? Inputs = null);

    /// <summary>
    /// Coordinator -> run: first results of some of its items, in arrival order (all of a worker's result batch that
    /// belong to this run: one message per batch, not per item, on the path every item takes).
    /// </summary>
    public sealed record ItemDone(IReadOnlyList<WorkResult> Results)
    {
        public ItemDone(WorkResult result) : this([result]) { }
    }

    /// <summary>Coordinator -> run: an item failed permanently or too often; the run fails.</summary>
    public sealed record ItemGaveUp(WorkItemId Id, string Reason);

    /// <summary>Run -> coordinator: forget the run's outstanding items (paused, cancelled, failed).</summary>
    public sealed record DropWork(string RunId);

    /// <summary>Run -> coordinator: its latest status (cached for ListRuns).</summary>
    public sealed record RunChanged(RunStatus Status);

    /// <summary>Timer: re-queue expired items.</summary>
    public sealed record Tick
    {
        public static readonly Tick Instance = new();
    }

    /// <summary>Timer: restart a run actor that stopped (its journal failed during recovery or a write).</summary>
    public sealed record RestartRun(string RunId);

    /// <summary>
    /// Run -> coordinator, just before the run actor stops: its journal failed (one-line reason), and whether because
    /// the database is unreachable (<see cref="JournalError.IsDatabaseUnreachable"/>; only then are new submits refused).
    /// </summary>
    public sealed record RunJournalFailed(string RunId, string Error, bool DatabaseUnreachable);

    /// <summary>
    /// Coordinator -> its node's event stream (local, never sent over the network): its own recovery from the journal
    /// failed (one-line reason) and it will be started again with back-off; whether the database is unreachable
    /// (<see cref="JournalError.IsDatabaseUnreachable"/>) or a stored record cannot be read.
    /// </summary>
    public sealed record CoordinatorJournalFailed(string Error, bool DatabaseUnreachable);

    /// <summary>Coordinator -> its node's event stream (local): it has recovered its run registry from the journal.</summary>
    public sealed record CoordinatorRecovered
    {
        public static readonly CoordinatorRecovered Instance = new();
    }
}
