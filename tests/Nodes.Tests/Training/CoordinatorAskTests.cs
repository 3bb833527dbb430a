using Akka.Actor;
using Akka.TestKit.Xunit2;
using QD3PM.Nodes.Training;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>
/// Asking the coordinator in short attempts: a question whose first copy is lost (a run actor stopped by a failed
/// journal write drops what it had stashed) is answered by the next attempt, and a coordinator that never answers
/// ends in a timeout at the deadline, not later.
/// </summary>
public sealed class CoordinatorAskTests : TestKit
{
    /// <summary>Drops the first <c>lose</c> questions, then answers each with how many it has seen.</summary>
    private sealed class LossyResponder : ReceiveActor
    {
        private int _seen;

        public LossyResponder(int lose) => ReceiveAny(_ =>
        {
            _seen++;
            if (_seen > lose)
                Sender.Tell(_seen);
        });
    }

    [Fact]
    public async Task A_lost_question_is_answered_by_the_next_attempt()
    {
        var coordinator = Sys.ActorOf(Props.Create(() => new LossyResponder(2)));
        var answer = await CoordinatorAsk.AskAsync<int>(coordinator, "status?", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.Equal(3, answer);
    }

    [Fact]
    public async Task A_coordinator_that_never_answers_times_out_at_the_deadline()
    {
        var coordinator = Sys.ActorOf(Props.Create(() => new LossyResponder(int.MaxValue)));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Assert.ThrowsAsync<AskTimeoutException>(() =>
            CoordinatorAsk.AskAsync<int>(coordinator, "status?", TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1), CancellationToken.None));
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(10));
    }
}
