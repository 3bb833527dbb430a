using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>Which run states end a client's following of a run, and which statuses are news to it (train, the management watch stream).</summary>
public static class RunStates
{
    /// <summary>The run will not step again by itself: completed, failed, cancelled, or out of its QPU budget until resumed.</summary>
    public static bool EndsFollowing(RunState state) =>
        state is RunState.Completed or RunState.Failed or RunState.Cancelled or RunState.BudgetExhausted;

    /// <summary>
    /// Is <paramref name="now"/> news to a follower who last saw <paramref name="last"/> (null: nothing yet)? Its step or
    /// state changed, or its error (a run waiting for its journal says why, and the reason may change while it waits,
    /// from an outage to a record that cannot be read). The one rule of the in-process and the gRPC watch.
    /// </summary>
    public static bool IsNews(RunStatus? last, RunStatus now) =>
        last is null || last.Step != now.Step || last.State != now.State || last.Error != now.Error || last.JournalDataError != now.JournalDataError;
}
