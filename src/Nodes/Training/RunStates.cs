using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>Which run states end a client's following of a run (train, the management watch stream).</summary>
public static class RunStates
{
    /// <summary>The run will not step again by itself: completed, failed, cancelled, or out of its QPU budget until resumed.</summary>
    public static bool EndsFollowing(RunState state) =>
        state is RunState.Completed or RunState.Failed or RunState.Cancelled or RunState.BudgetExhausted;
}
