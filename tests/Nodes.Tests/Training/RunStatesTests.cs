using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

public sealed class RunStatesTests
{
    private static RunStatus Waiting(string error, bool dataError = false) =>
        new() { RunId = "r", State = RunState.WaitingForJournal, Step = 7, Error = error, JournalDataError = dataError };

    [Fact]
    public void A_follower_hears_of_a_new_step_state_error_or_a_journal_that_will_not_come_back_and_of_nothing_else()
    {
        var running = new RunStatus { RunId = "r", State = RunState.Running, Step = 7, Loss = 0.5 };
        Assert.True(RunStates.IsNews(null, running));
        Assert.False(RunStates.IsNews(running, running.Clone()));
        Assert.False(RunStates.IsNews(running, new RunStatus(running) { Loss = 0.4, UpdatedUnixMs = 99 })); // same step: nothing new
        Assert.True(RunStates.IsNews(running, new RunStatus(running) { Step = 8 }));
        Assert.True(RunStates.IsNews(running, Waiting("the run's actor stopped (journal failure)")));
        // The reason a run waits may change while it waits: from an outage to a record that cannot be read.
        Assert.True(RunStates.IsNews(Waiting("the run's actor stopped (journal failure)"), Waiting("recovery from the journal failed: invalid tag")));
        Assert.True(RunStates.IsNews(Waiting("recovery from the journal failed: x"), Waiting("recovery from the journal failed: x", dataError: true)));
    }

    [Theory]
    [InlineData(RunState.Completed, true)]
    [InlineData(RunState.Failed, true)]
    [InlineData(RunState.Cancelled, true)]
    [InlineData(RunState.BudgetExhausted, true)]
    [InlineData(RunState.Running, false)]
    [InlineData(RunState.Paused, false)]
    [InlineData(RunState.WaitingForJournal, false)]
    [InlineData(RunState.Recovering, false)]
    public void Following_ends_only_where_the_run_will_not_step_again_by_itself(RunState state, bool ends) =>
        Assert.Equal(ends, RunStates.EndsFollowing(state));
}
