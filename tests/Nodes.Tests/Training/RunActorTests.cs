using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Serialization;
using QD3PM.Tests.Shared;
using Xunit;
using static QD3PM.Nodes.Training.CoordinatorProtocol;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>
/// One run's persistent actor with a test probe as its coordinator (the parent it talks to) and an in-memory journal:
/// steps, order independence, recovery, run control and bad results.
/// </summary>
public sealed class RunActorTests() : TestKit(ActorTestConfig.InMemoryJournal)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static readonly TrainingSpec Spec = new()
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = "synthetic:5", Batch = 3, Steps = 3, Seed = 11, Gradient = GradientMethod.Adjoint,
    };

    private static readonly string SpecJson = TrainingSpecJson.Serialize(Spec);

    private readonly SyntheticGradientProblem _problem = new(Spec);

    private IActorRef StartRun(TestProbe coordinator, string runId, CoordinatorSettings? settings = null) =>
        coordinator.ChildActorOf(RunActor.Props(runId, SpecJson, 0, Nodes.Training.StandInProblems.NewCache(), settings ?? new CoordinatorSettings()));

    /// <summary>The next EnqueueStep from the run, skipping its status publications.</summary>
    private static EnqueueStep NextStep(TestProbe coordinator) =>
        coordinator.FishForMessage<EnqueueStep>(_ => true, Wait);

    /// <summary>What a worker computes for an item, from the inputs the run hands out for its step.</summary>
    private WorkResult Compute(IActorRef run, WorkItem item)
    {
        run.Tell(new FetchStepInputs { RunId = item.Id.RunId, Step = item.Id.Step }, TestActor);
        var inputs = ExpectMsg<StepInputs>(Wait);
        Assert.True(inputs.Available);
        var g = _problem.Evaluate(inputs.Parameters.ToArray(), item.Id.Step, item.Id.Sample,
            new ParameterRange(item.BlockStart, item.BlockEnd), (GradientMethod)item.Method);
        var result = new WorkResult { Id = item.Id, Loss = g.Loss, CircuitEvaluations = g.CircuitEvaluations, Kind = "simulator" };
        result.Gradient.AddRange(g.Gradient);
        return result;
    }

    private RunStatus Status(IActorRef run)
    {
        run.Tell(new GetRun { RunId = "x", IncludeParameters = true }, TestActor);
        return ExpectMsg<RunStatus>(Wait);
    }

    [Fact]
    public void Results_in_any_order_end_each_step_like_the_reference_trainer_and_the_run_completes()
    {
        var coordinator = CreateTestProbe();
        var run = StartRun(coordinator, "order");
        for (long step = 0; step < Spec.Steps; step++)
        {
            var enqueued = NextStep(coordinator);
            Assert.Equal(step, enqueued.Step);
            Assert.Equal(Spec.Batch, enqueued.Items.Count); // adjoint: one item per sample
            var results = enqueued.Items.Select(i => Compute(run, i)).ToList();
            // Reverse order on even steps, a duplicate on odd ones: neither may change the sum.
            if (step % 2 == 0) results.Reverse();
            else results.Insert(1, results[0]);
            foreach (var r in results)
                run.Tell(new ItemDone(r));
        }
        var done = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.Completed, Wait);
        Assert.Equal(Spec.Steps, done.Status.Step);
        Assert.Equal(ReferenceTrainer.Train(_problem).Parameters, Status(run).Parameters);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // nothing enqueued after the last step
    }

    [Fact]
    public void A_restarted_run_recovers_its_last_step_from_the_journal_and_asks_for_the_next()
    {
        var coordinator = CreateTestProbe();
        var run = StartRun(coordinator, "recover");
        foreach (var item in NextStep(coordinator).Items)
            run.Tell(new ItemDone(Compute(run, item)));
        Assert.Equal(1, NextStep(coordinator).Step);
        // The next step goes out while the finished one's event is written; the run publishes once it is written.
        coordinator.FishForMessage<RunChanged>(c => c.Status.Step == 1, Wait);
        var before = Status(run).Parameters.ToArray();

        Watch(run);
        Sys.Stop(run);
        ExpectTerminated(run, Wait);
        var again = StartRun(coordinator, "recover");
        var resumed = NextStep(coordinator);
        Assert.Equal(1, resumed.Step);
        Assert.Equal(before, Status(again).Parameters);
        again.Tell(new FetchStepInputs { RunId = "recover", Step = 0 }, TestActor);
        Assert.False(ExpectMsg<StepInputs>(Wait).Available); // step 0 is over
    }

    [Fact]
    public void Pause_drops_the_step_resume_starts_it_again_and_control_of_a_finished_run_changes_nothing()
    {
        var coordinator = CreateTestProbe();
        var run = StartRun(coordinator, "control");
        NextStep(coordinator);

        run.Tell(new ControlRun { RunId = "control", Action = RunAction.Pause }, TestActor);
        Assert.Equal(RunState.Paused, ExpectMsg<RunStatus>(Wait).State);
        coordinator.FishForMessage<DropWork>(_ => true, Wait);

        run.Tell(new ControlRun { RunId = "control", Action = RunAction.Resume }, TestActor);
        Assert.Equal(RunState.Running, ExpectMsg<RunStatus>(Wait).State);
        var restarted = NextStep(coordinator);
        Assert.Equal(0, restarted.Step);

        run.Tell(new ControlRun { RunId = "control", Action = RunAction.Cancel }, TestActor);
        Assert.Equal(RunState.Cancelled, ExpectMsg<RunStatus>(Wait).State);
        run.Tell(new ControlRun { RunId = "control", Action = RunAction.Resume }, TestActor);
        Assert.Equal(RunState.Cancelled, ExpectMsg<RunStatus>(Wait).State); // no way back from cancelled
    }

    [Fact]
    public void A_result_whose_gradient_does_not_fit_its_block_fails_the_run_with_the_reason()
    {
        var coordinator = CreateTestProbe();
        var run = StartRun(coordinator, "bad");
        var item = NextStep(coordinator).Items[0];
        var result = Compute(run, item);
        result.Gradient.Add(1.0); // one entry too many
        run.Tell(new ItemDone(result));
        coordinator.FishForMessage<DropWork>(_ => true, Wait); // its other items are withdrawn first
        var failed = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.Failed, Wait);
        Assert.Contains("inconsistent work result", failed.Status.Error);
    }
}
