using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>The losses a run keeps for its clients: in order, bounded, carried through a snapshot.</summary>
public sealed class RunHistoryTests
{
    private static StepCompleted Step(long step, int parameters = 2)
    {
        var e = new StepCompleted { Step = step, Loss = step * 0.5 };
        e.Parameters.AddRange(Enumerable.Repeat((double)step, parameters));
        return e;
    }

    [Fact]
    public void Keeps_the_newest_losses_and_a_snapshot_carries_them_to_a_new_history()
    {
        var history = new RunHistory();
        for (long s = 1; s <= RunHistory.MaxLosses + RunHistory.MaxLosses / 8 + 1; s++)
            history.Add(Step(s));
        history.Add(Step(5)); // an old step again (replay): ignored
        long last = RunHistory.MaxLosses + RunHistory.MaxLosses / 8 + 1;
        var reply = history.Query(new GetRunSteps { AfterStep = 0, MaxSteps = 10 }, "r", last);
        long first = last - RunHistory.MaxLosses + 1;
        Assert.Equal(first, reply.FirstHeldStep);
        Assert.Equal(last, reply.LastStep);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => first + i), reply.Points.Select(p => p.Step));
        Assert.Equal(first * 0.5, reply.Points[0].Loss);

        var snapshot = new RunSnapshot { Last = Step(last) };
        history.WriteTo(snapshot);
        var restored = new RunHistory();
        restored.Restore(snapshot);
        restored.Add(snapshot.Last);
        restored.Add(Step(last + 1));
        var tail = restored.Query(new GetRunSteps { AfterStep = last - 2, ParametersEvery = 1 }, "r", last + 1);
        Assert.Equal(new[] { last - 1, last, last + 1 }, tail.Points.Select(p => p.Step));
        Assert.Equal(new[] { 0, 2, 2 }, tail.Points.Select(p => p.Parameters.Count)); // step last-1 came from the snapshot's losses only
    }

    [Fact]
    public void A_gap_starts_the_history_again()
    {
        var history = new RunHistory();
        history.Add(Step(1));
        history.Add(Step(4));
        var reply = history.Query(new GetRunSteps(), "r", 10);
        Assert.Equal(4, reply.FirstHeldStep);
        Assert.Equal(new long[] { 4 }, reply.Points.Select(p => p.Step));
    }
}
