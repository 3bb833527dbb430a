using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using QD3PM.Core.Training;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Serialization;
using QD3PM.Tests.Shared;
using Xunit;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>The coordinator's work rules with test probes as workers (in-memory journal, one-node cluster).</summary>
public sealed class CoordinatorActorTests() : TestKit(ActorTestConfig.OneNodeCluster)
{
    private static readonly TrainingSpec Spec = new()
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = "synthetic:6", Batch = 3, Steps = 1, Seed = 5, Gradient = GradientMethod.Adjoint,
    };

    /// <summary>What a worker node does: fetch the step's inputs (items carry none), evaluate, answer.</summary>
    private WorkResult Answer(IActorRef coordinator, WorkItem item)
    {
        Assert.True(item.InputsByReference);
        Assert.Empty(item.Parameters);
        coordinator.Tell(new FetchStepInputs { RunId = item.Id.RunId, Step = item.Id.Step }, TestActor);
        var inputs = ExpectMsg<StepInputs>(TimeSpan.FromSeconds(5));
        Assert.True(inputs.Available);
        var problem = new SyntheticGradientProblem(TrainingSpecJson.Deserialize(inputs.SpecJson));
        var g = problem.Evaluate(inputs.Parameters.ToArray(), item.Id.Step, item.Id.Sample, new ParameterRange(item.BlockStart, item.BlockEnd), (GradientMethod)item.Method);
        var result = new WorkResult { Id = item.Id, Loss = g.Loss, CircuitEvaluations = g.CircuitEvaluations };
        result.Gradient.AddRange(g.Gradient);
        return result;
    }

    [Fact]
    public void Items_of_a_dead_worker_are_redone_elsewhere_and_duplicates_do_not_count_twice()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator");
        coordinator.Tell(new SubmitRun { RunId = "r1", SpecJson = TrainingSpecJson.Serialize(Spec) }, TestActor);
        ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));

        var doomed = CreateTestProbe();
        var survivor = CreateTestProbe();
        coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 1, FreeSlots = 1 }, doomed.Ref);
        var lost = doomed.ExpectMsg<WorkItem>(TimeSpan.FromSeconds(10));
        coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 1, FreeSlots = 1 }, survivor.Ref);
        var first = survivor.ExpectMsg<WorkItem>(TimeSpan.FromSeconds(10));
        Assert.NotEqual(lost.Id, first.Id);

        Sys.Stop(doomed.Ref); // the worker dies holding `lost`
        coordinator.Tell(Answer(coordinator, first), survivor.Ref);
        coordinator.Tell(Answer(coordinator, first), survivor.Ref); // duplicate: ignored

        var received = new List<WorkItem>();
        while (received.Count < 2)
        {
            var item = survivor.ExpectMsg<WorkItem>(TimeSpan.FromSeconds(10));
            received.Add(item);
            coordinator.Tell(Answer(coordinator, item), survivor.Ref);
        }
        Assert.Contains(received, i => i.Id.Equals(lost.Id));
        Assert.Equal(2, received.Single(i => i.Id.Equals(lost.Id)).Attempt);

        var status = AwaitCompleted(coordinator, "r1");

        var problem = new SyntheticGradientProblem(Spec);
        var expected = ReferenceTrainer.Train(problem, [ParameterRange.All(6)]);
        Assert.Equal(1, status.Step);
        Assert.Equal(expected.Parameters, status.Parameters);
        Assert.Equal(3, status.CircuitEvaluations); // three items, one evaluation each: the duplicate was not counted
        survivor.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        coordinator.Tell(new GetWorkers(), TestActor);
        var workers = ExpectMsg<WorkerList>(TimeSpan.FromSeconds(5));
        var only = Assert.Single(workers.Workers); // the dead one is forgotten
        Assert.Equal(survivor.Ref.Path.ToString(), only.Path);
        Assert.Equal(3, only.ItemsDone);
        Assert.Equal(0, only.Held);
    }

    [Fact]
    public void Step_inputs_travel_once_per_fetch_and_only_for_the_step_being_computed()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator3");
        var spec = Spec with { Steps = 2 };
        coordinator.Tell(new SubmitRun { RunId = "r3", SpecJson = TrainingSpecJson.Serialize(spec) }, TestActor);
        ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
        var worker = CreateTestProbe();
        coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 3, FreeSlots = 3 }, worker.Ref);
        var items = Enumerable.Range(0, 3).Select(_ => worker.ExpectMsg<WorkItem>(TimeSpan.FromSeconds(10))).ToList();
        Assert.All(items, i => Assert.True(i.InputsByReference && i.Parameters.Count == 0 && i.SpecJson.Length == 0));

        var initial = new SyntheticGradientProblem(spec).InitialState().Parameters;
        coordinator.Tell(new FetchStepInputs { RunId = "r3", Step = 0 }, TestActor);
        var inputs = ExpectMsg<StepInputs>(TimeSpan.FromSeconds(5));
        Assert.True(inputs.Available);
        Assert.Equal(initial, inputs.Parameters);
        Assert.Equal(spec, TrainingSpecJson.Deserialize(inputs.SpecJson));
        foreach (var (run, step) in new[] { ("r3", 1L), ("nope", 0L) })
        {
            coordinator.Tell(new FetchStepInputs { RunId = run, Step = step }, TestActor);
            Assert.False(ExpectMsg<StepInputs>(TimeSpan.FromSeconds(5)).Available);
        }

        foreach (var item in items)
            coordinator.Tell(Answer(coordinator, item), worker.Ref);
        worker.ExpectMsg<WorkItem>(TimeSpan.FromSeconds(10)); // step 1 has begun
        coordinator.Tell(new FetchStepInputs { RunId = "r3", Step = 0 }, TestActor);
        Assert.False(ExpectMsg<StepInputs>(TimeSpan.FromSeconds(5)).Available); // step 0 is over: its items are stale
        coordinator.Tell(new FetchStepInputs { RunId = "r3", Step = 1 }, TestActor);
        var next = ExpectMsg<StepInputs>(TimeSpan.FromSeconds(5));
        Assert.True(next.Available);
        Assert.NotEqual(initial, next.Parameters);
    }

    [Fact]
    public void A_worker_that_takes_batches_gets_each_hand_out_in_one_message_with_the_step_inputs_and_may_answer_in_one()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator4");
        var spec = Spec with { Steps = 2 };
        coordinator.Tell(new SubmitRun { RunId = "r4", SpecJson = TrainingSpecJson.Serialize(spec) }, TestActor);
        ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
        var worker = CreateTestProbe();
        coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 3, FreeSlots = 3, AcceptsBatches = true }, worker.Ref);

        for (long step = 0; step < 2; step++)
        {
            var handOut = worker.ExpectMsg<WorkItemBatch>(TimeSpan.FromSeconds(10)); // the step's three items in one message
            Assert.Equal([0, 1, 2], handOut.Items.Select(i => i.Id.Sample).Order());
            Assert.All(handOut.Items, i => Assert.Equal(step, i.Id.Step));
            var pushed = Assert.Single(handOut.Inputs); // the step's inputs ride along with its first hand-out
            Assert.Equal((step, true), (pushed.Step, pushed.Available));
            if (step == 0)
                Assert.Equal(new SyntheticGradientProblem(spec).InitialState().Parameters, pushed.Parameters);
            var answers = new WorkResultBatch();
            answers.Results.AddRange(handOut.Items.Select(i => Answer(coordinator, i)));
            coordinator.Tell(answers, worker.Ref);
            coordinator.Tell(answers.Clone(), worker.Ref); // the same batch again: every result in it is a duplicate
        }

        var status = AwaitCompleted(coordinator, "r4");
        var expected = ReferenceTrainer.Train(new SyntheticGradientProblem(spec), [ParameterRange.All(6)]);
        Assert.Equal(expected.Parameters, status.Parameters); // bit-identical to the reference trainer
        Assert.Equal(6, status.CircuitEvaluations); // six items, one evaluation each: the duplicates were not counted
        worker.ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        coordinator.Tell(new GetWorkers(), TestActor);
        var only = Assert.Single(ExpectMsg<WorkerList>(TimeSpan.FromSeconds(5)).Workers);
        Assert.Equal((6L, 4L, 0), (only.ItemsDone, only.ResultMessages, only.Held));
    }

    [Theory]
    [InlineData(1.0, true)]    // quick items: after the first answers it is given the rest of the step, then whole steps
    [InlineData(500.0, false)] // slow items: its capacity, so that no step waits in one queue for long
    public void The_only_worker_whose_executor_queues_gets_whole_steps_while_its_items_are_quick_and_two_share_by_capacity(
        double itemMs, bool whole)
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator-hold");
        var spec = Spec with { Batch = 6, Steps = 3 };
        coordinator.Tell(new SubmitRun { RunId = "r-hold", SpecJson = TrainingSpecJson.Serialize(spec) }, TestActor);
        ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
        WorkResultBatch AnswerAll(IEnumerable<WorkItem> items)
        {
            var answers = new WorkResultBatch();
            answers.Results.AddRange(items.Select(i =>
            {
                var r = Answer(coordinator, i);
                r.ElapsedMs = itemMs;
                return r;
            }));
            return answers;
        }

        var first = CreateTestProbe();
        coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 2, FreeSlots = 2, AcceptsBatches = true, QueuesBeyondCapacity = true }, first.Ref);
        var unmeasured = first.ExpectMsg<WorkItemBatch>(TimeSpan.FromSeconds(10));
        Assert.Equal(2, unmeasured.Items.Count); // nothing measured yet: its capacity
        coordinator.Tell(AnswerAll(unmeasured.Items), first.Ref);
        var rest = first.ExpectMsg<WorkItemBatch>(TimeSpan.FromSeconds(10));
        Assert.Equal(whole ? 4 : 2, rest.Items.Count);
        var step0 = unmeasured.Items.Concat(rest.Items).ToList();
        if (!whole)
        {
            coordinator.Tell(AnswerAll(rest.Items), first.Ref);
            var last = first.ExpectMsg<WorkItemBatch>(TimeSpan.FromSeconds(10));
            Assert.Equal(2, last.Items.Count);
            step0.AddRange(last.Items);
            rest = last;
        }
        Assert.Equal([0, 1, 2, 3, 4, 5], step0.Select(i => i.Id.Sample).Order());
        coordinator.Tell(AnswerAll(rest.Items), first.Ref);
        var step1 = first.ExpectMsg<WorkItemBatch>(TimeSpan.FromSeconds(10));
        Assert.Equal(whole ? 6 : 2, step1.Items.Count);
        Assert.All(step1.Items, i => Assert.Equal(1L, i.Id.Step));

        if (!whole)
            return;
        // With a second worker in the cluster each holds its capacity again: the next step is shared, two and two.
        var second = CreateTestProbe();
        coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 2, FreeSlots = 2, AcceptsBatches = true, QueuesBeyondCapacity = true }, second.Ref);
        coordinator.Tell(AnswerAll(step1.Items), first.Ref);
        var toFirst = first.ExpectMsg<WorkItemBatch>(TimeSpan.FromSeconds(10));
        var toSecond = second.ExpectMsg<WorkItemBatch>(TimeSpan.FromSeconds(10));
        Assert.Equal((2, 2), (toFirst.Items.Count, toSecond.Items.Count));
        Assert.All(toFirst.Items.Concat(toSecond.Items), i => Assert.Equal(2L, i.Id.Step));
    }

    private RunStatus AwaitCompleted(IActorRef coordinator, string runId)
    {
        RunStatus? status = null;
        AwaitCondition(() =>
        {
            coordinator.Tell(new GetRun { RunId = runId, IncludeParameters = true }, TestActor);
            status = ExpectMsg<RunStatus>(TimeSpan.FromSeconds(5));
            return status.State == RunState.Completed;
        }, TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(50));
        return status!;
    }

    [Fact]
    public void Unknown_runs_answer_unknown()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator2");
        coordinator.Tell(new GetRun { RunId = "missing" }, TestActor);
        Assert.Equal(RunState.Unknown, ExpectMsg<RunStatus>(TimeSpan.FromSeconds(10)).State);
    }

    [Fact]
    public void A_cheapest_policy_run_leaves_the_priced_qpu_idle_while_the_free_simulator_keeps_up()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator");
        var spec = Spec with { Batch = 6, Steps = 2, BackendPolicy = BackendPolicy.Cheapest };
        coordinator.Tell(new SubmitRun { RunId = "cheap", SpecJson = TrainingSpecJson.Serialize(spec) }, TestActor);
        ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
        var wait = TimeSpan.FromSeconds(10);
        var simulator = CreateTestProbe();
        var qpu = CreateTestProbe();
        WorkResult Priced(WorkItem item, double ms, double cost)
        {
            var r = Answer(coordinator, item);
            r.ElapsedMs = ms;
            r.QpuCost = cost;
            return r;
        }

        // Unmeasured workers may take items: that is how their speed and price are learned.
        coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 2, FreeSlots = 2 }, simulator.Ref);
        var a = simulator.ExpectMsg<WorkItem>(wait);
        var b = simulator.ExpectMsg<WorkItem>(wait);
        coordinator.Tell(new RequestWork { Kind = "qpu-proxy", Capacity = 1, FreeSlots = 1 }, qpu.Ref);
        var c = qpu.ExpectMsg<WorkItem>(wait);
        coordinator.Tell(Priced(a, 10, 0), simulator.Ref);
        coordinator.Tell(Priced(b, 10, 0), simulator.Ref);
        coordinator.Tell(Priced(c, 1_000, 0.5), qpu.Ref);
        // Measured now: the simulator does 200 items/s for free, the QPU one per second at 0.5: the simulator's backlog
        // is done long before the QPU would finish one, so the QPU gets nothing more, in this step or the next.
        int done = 3;
        while (done < spec.Batch * spec.Steps)
        {
            var item = simulator.ExpectMsg<WorkItem>(wait);
            coordinator.Tell(Priced(item, 10, 0), simulator.Ref);
            done++;
        }
        Assert.Equal(2, AwaitCompleted(coordinator, "cheap").Step);
        qpu.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
