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

    private IActorRef StartRun(TestProbe coordinator, string runId, CoordinatorSettings? settings = null, RunBudget? budget = null, string? specJson = null) =>
        coordinator.ChildActorOf(RunActor.Props(runId, specJson ?? SpecJson, 0, Nodes.Training.StandInProblems.NewCache(), settings ?? new CoordinatorSettings(), budget));

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
    public void The_step_history_holds_every_journaled_loss_and_survives_a_restart_through_the_snapshot()
    {
        var coordinator = CreateTestProbe();
        var settings = new CoordinatorSettings { SnapshotEvery = 2 };
        var run = StartRun(coordinator, "history", settings);
        var losses = new List<double>();
        EnqueueStep? next = NextStep(coordinator);
        for (long step = 0; step < Spec.Steps; step++)
        {
            foreach (var item in next!.Items)
                run.Tell(new ItemDone(Compute(run, item)));
            // the next step goes out before the finished one is journaled and published
            var published = coordinator.FishForMessage<object>(m =>
            {
                if (m is EnqueueStep e) next = e;
                return m is RunChanged c && c.Status.Step == step + 1;
            }, Wait);
            losses.Add(((RunChanged)published).Status.Loss);
        }
        run.Tell(new GetRunSteps { RunId = "history", AfterStep = 0, ParametersEvery = 2 }, TestActor);
        var history = ExpectMsg<RunSteps>(Wait);
        Assert.Equal(new long[] { 1, 2, 3 }, history.Points.Select(p => p.Step));
        Assert.Equal(losses, history.Points.Select(p => p.Loss));
        Assert.Equal(new[] { 0, _problem.ParameterCount, _problem.ParameterCount }, history.Points.Select(p => p.Parameters.Count)); // step 2 (every 2) and the last
        Assert.Equal(Status(run).Parameters, history.Points[2].Parameters);

        Watch(run);
        Sys.Stop(run);
        ExpectTerminated(run, Wait);
        var again = StartRun(coordinator, "history", settings);
        again.Tell(new GetRunSteps { RunId = "history", AfterStep = 1 }, TestActor);
        var recovered = ExpectMsg<RunSteps>(Wait);
        Assert.Equal(new long[] { 2, 3 }, recovered.Points.Select(p => p.Step));
        Assert.Equal(losses.Skip(1), recovered.Points.Select(p => p.Loss));
        Assert.Equal(1, recovered.FirstHeldStep);
    }

    /// <summary>Computes and delivers every item of the next step; returns that step.</summary>
    private long RunStep(TestProbe coordinator, IActorRef run)
    {
        var enqueued = NextStep(coordinator);
        foreach (var item in enqueued.Items)
            run.Tell(new ItemDone(Compute(run, item)));
        return enqueued.Step;
    }

    /// <summary>Stops the run and starts it again from the journal under a new coordinator probe.</summary>
    private (TestProbe Coordinator, IActorRef Run) Restart(IActorRef run, string runId, CoordinatorSettings settings, string? specJson = null)
    {
        Watch(run);
        Sys.Stop(run);
        ExpectTerminated(run, Wait);
        var coordinator = CreateTestProbe();
        return (coordinator, StartRun(coordinator, runId, settings, specJson: specJson));
    }

    [Fact]
    public void Steps_within_the_batch_window_are_journaled_as_one_event_and_a_restart_recomputes_the_unwritten_ones_bit_identically()
    {
        var spec = Spec with { Steps = 6 };
        var specJson = TrainingSpecJson.Serialize(spec);
        var problem = new SyntheticGradientProblem(spec);
        // The window never passes in this test: only the first step (no write before it) and the last are written
        // when they finish; the steps between wait for the last.
        var settings = new CoordinatorSettings { JournalBatchWindow = TimeSpan.FromHours(1), SnapshotEvery = 0 };
        var coordinator = CreateTestProbe();
        var run = StartRun(coordinator, "batch", settings, specJson: specJson);
        for (int i = 0; i < 4; i++)
            RunStep(coordinator, run);
        Assert.Equal(4, NextStep(coordinator).Step); // steps 1-4 are computed
        AwaitAssert(() => Assert.Equal(1, Status(run).Step), Wait); // but only step 1 is journaled

        (coordinator, run) = Restart(run, "batch", settings, specJson);
        var again = NextStep(coordinator);
        Assert.Equal(1, again.Step); // steps 2-4 were never written: computed again
        run.Tell(new GetRunSteps { RunId = "batch", AfterStep = 0 }, TestActor);
        Assert.Equal(1, ExpectMsg<RunSteps>(Wait).LastStep);
        run.Tell(new FetchStepInputs { RunId = "batch", Step = 1 }, TestActor);
        Assert.Equal(ReferenceTrainer.Train(problem, steps: 1).Parameters, ExpectMsg<StepInputs>(Wait).Parameters);

        // Step 2 again (a new incarnation writes its first step at once), then 3..6: the last writes 3..6 as one event.
        foreach (var item in again.Items)
            run.Tell(new ItemDone(Compute(run, item)));
        for (int i = 2; i < 6; i++)
            RunStep(coordinator, run);
        coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.Completed, Wait);
        Assert.Equal(ReferenceTrainer.Train(problem).Parameters, Status(run).Parameters);

        // The batch event holds every step's loss and the state after its last step.
        (coordinator, run) = Restart(run, "batch", settings, specJson);
        var status = Status(run);
        Assert.Equal(RunState.Completed, status.State);
        Assert.Equal(ReferenceTrainer.Train(problem).Parameters, status.Parameters);
        run.Tell(new GetRunSteps { RunId = "batch", AfterStep = 0, ParametersEvery = 1 }, TestActor);
        var history = ExpectMsg<RunSteps>(Wait);
        Assert.Equal(new long[] { 1, 2, 3, 4, 5, 6 }, history.Points.Select(p => p.Step));
        Assert.Equal(Enumerable.Range(1, 6).Select(k => ReferenceTrainer.Train(problem, steps: k).LastLoss), history.Points.Select(p => p.Loss));
        // parameters of a recovered batch: its last step's only (steps 1 and 2 were events of their own)
        Assert.Equal(new[] { 1L, 2L, 6L }, history.Points.Where(p => p.Parameters.Count > 0).Select(p => p.Step));
    }

    [Fact]
    public void Steps_held_back_by_the_batch_window_are_journaled_before_a_pause()
    {
        var settings = new CoordinatorSettings { JournalBatchWindow = TimeSpan.FromHours(1), SnapshotEvery = 0 };
        var coordinator = CreateTestProbe();
        var run = StartRun(coordinator, "pause-batch", settings);
        RunStep(coordinator, run);
        RunStep(coordinator, run);
        NextStep(coordinator); // step 2 is computed, held back
        AwaitAssert(() => Assert.Equal(1, Status(run).Step), Wait);

        run.Tell(new ControlRun { RunId = "pause-batch", Action = RunAction.Pause }, TestActor);
        var paused = ExpectMsg<RunStatus>(Wait);
        Assert.Equal(RunState.Paused, paused.State);
        Assert.Equal(2, paused.Step);

        (_, run) = Restart(run, "pause-batch", settings);
        var recovered = Status(run);
        Assert.Equal(RunState.Paused, recovered.State);
        Assert.Equal(2, recovered.Step);
        Assert.Equal(ReferenceTrainer.Train(_problem, steps: 2).Parameters, recovered.Parameters);
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

    /// <summary>Computes and delivers every item of the next step, each billed as a QPU item of the given shots and cost.</summary>
    private EnqueueStep RunStepBilled(TestProbe coordinator, IActorRef run, long shotsPerItem, double costPerItem)
    {
        var enqueued = NextStep(coordinator);
        foreach (var item in enqueued.Items)
        {
            var result = Compute(run, item);
            result.QpuShots = shotsPerItem;
            result.QpuCost = costPerItem;
            run.Tell(new ItemDone(result));
        }
        return enqueued;
    }

    [Fact]
    public void A_spent_shot_budget_stops_the_run_between_steps_and_a_raised_budget_ends_it_at_the_reference_parameters()
    {
        var coordinator = CreateTestProbe();
        // 3 items x 40 shots = 120 per step: after step 0 (120) one more step may start, after step 1 (240) none.
        var run = StartRun(coordinator, "budget", budget: new RunBudget { MaxShots = 200 });
        Assert.Equal(0, RunStepBilled(coordinator, run, 40, 0).Step);
        Assert.Equal(1, RunStepBilled(coordinator, run, 40, 0).Step);
        var stopped = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.BudgetExhausted, Wait).Status;
        Assert.Equal(2, stopped.Step); // the step that crossed the limit is complete and journaled, never half-applied
        Assert.Equal(240, stopped.QpuShots);
        Assert.Equal("budget exhausted: QPU shots 240 of 200", stopped.Error);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no step 2 is handed out

        // A resume that does not lift the limit changes nothing; one that does continues from step 2.
        run.Tell(new ControlRun { RunId = "budget", Action = RunAction.Resume }, TestActor);
        Assert.Equal(RunState.BudgetExhausted, ExpectMsg<RunStatus>(Wait).State);
        run.Tell(new ControlRun { RunId = "budget", Action = RunAction.Resume, Budget = new RunBudget { MaxShots = 239 } }, TestActor);
        Assert.Equal(RunState.BudgetExhausted, ExpectMsg<RunStatus>(Wait).State);
        run.Tell(new ControlRun { RunId = "budget", Action = RunAction.Resume, Budget = new RunBudget { MaxShots = 1_000 } }, TestActor);
        var resumed = ExpectMsg<RunStatus>(Wait);
        Assert.Equal(RunState.Running, resumed.State);
        Assert.Equal(1_000, resumed.Budget.MaxShots);
        Assert.Equal(2, RunStepBilled(coordinator, run, 40, 0).Step);

        var done = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.Completed, Wait);
        Assert.Equal(360, done.Status.QpuShots);
        Assert.Equal(ReferenceTrainer.Train(_problem).Parameters, Status(run).Parameters); // bit-identical to an uninterrupted run
    }

    [Fact]
    public void A_budget_stop_and_a_raised_budget_survive_restarts_of_the_run()
    {
        var coordinator = CreateTestProbe();
        var submitted = new RunBudget { MaxCost = 1.0 };
        var run = StartRun(coordinator, "budget-restart", budget: submitted);
        RunStepBilled(coordinator, run, 100, 0.4); // 1.2 after step 0: the cost limit is reached
        var stopped = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.BudgetExhausted, Wait).Status;
        Assert.Equal("budget exhausted: QPU cost 1.20 of 1.00", stopped.Error);

        coordinator = CreateTestProbe(); // a fresh coordinator: the old one's queue still holds the first incarnation's messages
        var again = Restart(coordinator, run, "budget-restart", submitted);
        var recovered = Status(again);
        Assert.Equal(RunState.BudgetExhausted, recovered.State);
        Assert.Equal(1, recovered.Step);
        Assert.Equal(300, recovered.QpuShots);
        Assert.Equal(1.2, recovered.QpuCost, 12);
        coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.BudgetExhausted, Wait);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // still stopped: nothing handed out

        again.Tell(new ControlRun { RunId = "budget-restart", Action = RunAction.Resume, Budget = new RunBudget { MaxCost = 2.5 } }, TestActor);
        Assert.Equal(RunState.Running, ExpectMsg<RunStatus>(Wait).State);
        Assert.Equal(1, NextStep(coordinator).Step);

        // The raised budget is the run's from now on, whatever budget it was submitted with.
        coordinator = CreateTestProbe();
        var third = Restart(coordinator, again, "budget-restart", submitted);
        Assert.Equal(1, NextStep(coordinator).Step);
        var status = Status(third);
        Assert.Equal(RunState.Running, status.State);
        Assert.Equal(2.5, status.Budget.MaxCost);
        Assert.False(status.Budget.HasMaxShots);
    }

    [Fact]
    public void A_step_forecast_to_overrun_the_budget_does_not_start_and_a_budget_that_covers_it_ends_at_the_reference_parameters()
    {
        var coordinator = CreateTestProbe();
        // A qpu-only stand-in model: its next step is forecast from the last one's measured 120 shots (3 items x 40).
        var spec = TrainingSpecJson.Serialize(Spec with { BackendPolicy = BackendPolicy.QpuOnly });
        var run = StartRun(coordinator, "forecast", budget: new RunBudget { MaxShots = 200, MaxCost = 10 }, specJson: spec);
        Assert.Equal(0, RunStepBilled(coordinator, run, 40, 0.5).Step);
        var stopped = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.BudgetExhausted, Wait).Status;
        Assert.Equal(1, stopped.Step); // step 0 journaled, step 1 never handed out: 120 + 120 would pass 200
        Assert.Equal(120, stopped.QpuShots);
        Assert.Equal("budget exhausted: the next step would spend about QPU shots 120, cost 1.50; left: QPU shots 80, cost 8.50", stopped.Error);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        // 239 still does not cover the step (the reason now says so); 240 does, and the run then stops before step 2.
        run.Tell(new ControlRun { RunId = "forecast", Action = RunAction.Resume, Budget = new RunBudget { MaxShots = 239 } }, TestActor);
        var still = ExpectMsg<RunStatus>(Wait);
        Assert.Equal(RunState.BudgetExhausted, still.State);
        Assert.Equal("budget exhausted: the next step would spend about QPU shots 120, cost 1.50; left: QPU shots 119, cost 8.50", still.Error);
        run.Tell(new ControlRun { RunId = "forecast", Action = RunAction.Resume, Budget = new RunBudget { MaxShots = 240 } }, TestActor);
        Assert.Equal(RunState.Running, ExpectMsg<RunStatus>(Wait).State);
        Assert.Equal(1, RunStepBilled(coordinator, run, 40, 0.5).Step);
        var again = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.BudgetExhausted, Wait).Status;
        Assert.Equal(2, again.Step);
        Assert.Equal("budget exhausted: QPU shots 240 of 240", again.Error);

        run.Tell(new ControlRun { RunId = "forecast", Action = RunAction.Resume, Budget = new RunBudget { MaxShots = 360 } }, TestActor);
        Assert.Equal(RunState.Running, ExpectMsg<RunStatus>(Wait).State);
        Assert.Equal(2, RunStepBilled(coordinator, run, 40, 0.5).Step);
        var done = coordinator.FishForMessage<RunChanged>(c => c.Status.State == RunState.Completed, Wait);
        Assert.Equal(360, done.Status.QpuShots); // never past a limit
        Assert.Equal(ReferenceTrainer.Train(_problem).Parameters, Status(run).Parameters); // bit-identical to an uninterrupted run
    }

    private IActorRef Restart(TestProbe coordinator, IActorRef run, string runId, RunBudget submitted)
    {
        Watch(run);
        Sys.Stop(run);
        ExpectTerminated(run, Wait);
        return StartRun(coordinator, runId, budget: submitted);
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
