using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Serialization;
using Xunit;
using static QD3PM.Nodes.Workers.WorkerProtocol;

namespace QD3PM.Nodes.Tests.Workers;

/// <summary>The pulling worker against a test probe as its coordinator, with an executor the test controls.</summary>
public sealed class WorkerActorTests() : TestKit(ActorTestConfig.Plain)
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(5);

    private static readonly string SpecJson = TrainingSpecJson.Serialize(new TrainingSpec
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = "synthetic:4", Batch = 2, Steps = 3, Seed = 9, Gradient = GradientMethod.Adjoint,
    });

    private static readonly double[] Parameters = [0.5, -1.25, 2.0, 0.125];

    /// <summary>
    /// Returns loss = step + sample and gradient = 10 x the item's parameters over its block, so a result shows which
    /// inputs the executor saw. Items whose sample is in <see cref="Failures"/> throw that exception; items of
    /// <see cref="Blocked"/> samples wait until cancelled; items of <see cref="Gates"/> samples until the test opens the gate.
    /// </summary>
    private sealed class ScriptedExecutor(int capacity, bool queues = false) : IWorkItemExecutor
    {
        public ConcurrentDictionary<int, Exception> Failures { get; } = new();
        public ConcurrentBag<int> Blocked { get; } = [];
        public ConcurrentDictionary<int, TaskCompletionSource> Gates { get; } = new();
        public ConcurrentQueue<WorkItem> Seen { get; } = new();

        public string Kind => "simulator";
        public int Capacity => capacity;
        public bool QueuesBeyondCapacity => queues;

        public async Task<SampleGradient> ExecuteAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken)
        {
            Seen.Enqueue(item);
            if (Failures.TryGetValue(item.Id.Sample, out var error)) throw error;
            if (Blocked.Contains(item.Id.Sample)) await Task.Delay(Timeout.Infinite, cancellationToken);
            if (Gates.TryGetValue(item.Id.Sample, out var gate)) await gate.Task.WaitAsync(cancellationToken);
            var block = new ParameterRange(item.BlockStart, item.BlockEnd);
            var gradient = item.Parameters.Skip(block.Start).Take(block.End - block.Start).Select(p => 10 * p).ToArray();
            return new SampleGradient(item.Id.Sample, block, item.Id.Step + item.Id.Sample, gradient, 2);
        }
    }

    private static WorkItem Item(long step, int sample) => new()
    {
        Id = new WorkItemId { RunId = "r", Step = step, Sample = sample, Block = 0 },
        BlockStart = 0, BlockEnd = Parameters.Length, Method = (int)GradientMethod.Adjoint, InputsByReference = true,
    };

    private StepInputs Inputs(long step, bool available = true)
    {
        var inputs = new StepInputs { RunId = "r", Step = step, Available = available };
        if (available)
        {
            inputs.SpecJson = SpecJson;
            inputs.Parameters.AddRange(Parameters);
        }
        return inputs;
    }

    /// <summary>A started worker; the registration and its first request for work are consumed and checked.</summary>
    private IActorRef StartWorker(ScriptedExecutor executor, Akka.TestKit.TestProbe coordinator, TimeSpan? flushLinger = null)
    {
        var worker = Sys.ActorOf(WorkerActor.Props(executor, StandInProblems.NewCache(), coordinator.Ref, "node-a", TimeSpan.FromMinutes(10), flushLinger));
        var register = coordinator.ExpectMsg<RegisterWorker>(Wait);
        Assert.Equal(("simulator", "node-a", executor.Capacity * 2, true, executor.QueuesBeyondCapacity),
            (register.Kind, register.Node, register.Capacity, register.AcceptsBatches, register.QueuesBeyondCapacity));
        var request = coordinator.ExpectMsg<RequestWork>(Wait);
        Assert.Equal(executor.Capacity * 2, request.FreeSlots); // holds one item beyond each running one
        return worker;
    }

    [Fact]
    public void An_item_by_reference_runs_on_the_step_inputs_fetched_once_per_step_and_node()
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 2);
        var worker = StartWorker(executor, coordinator);

        worker.Tell(Item(step: 1, sample: 0), coordinator.Ref);
        worker.Tell(Item(step: 1, sample: 1), coordinator.Ref);
        var fetch = coordinator.ExpectMsg<FetchStepInputs>(Wait);
        Assert.Equal(("r", 1L), (fetch.RunId, fetch.Step));
        coordinator.Reply(Inputs(1));

        var results = ExpectResults(coordinator, 2).OrderBy(r => r.Id.Sample).ToArray();
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no second fetch for the same step, no extra request
        for (int s = 0; s < 2; s++)
        {
            Assert.Equal(s, results[s].Id.Sample);
            Assert.Equal(1 + s, results[s].Loss);
            Assert.Equal(Parameters.Select(p => 10 * p), results[s].Gradient);
            Assert.Equal(("simulator", "node-a", 2L), (results[s].Kind, results[s].Node, results[s].CircuitEvaluations));
        }
        Assert.All(executor.Seen, item => Assert.Equal(SpecJson, item.SpecJson));
    }

    /// <summary>The next <paramref name="count"/> results, whether they come one per message or in batches.</summary>
    private static List<WorkResult> ExpectResults(Akka.TestKit.TestProbe coordinator, int count)
    {
        var results = new List<WorkResult>();
        while (results.Count < count)
        {
            switch (coordinator.ExpectMsg<object>(Wait))
            {
                case WorkResult one: results.Add(one); break;
                case WorkResultBatch batch: results.AddRange(batch.Results); break;
                case var other: Assert.Fail($"expected a result, got {other.GetType().Name}"); break;
            }
        }
        Assert.Equal(count, results.Count);
        return results;
    }

    [Fact]
    public void Results_of_items_that_ran_together_go_out_in_one_message_as_soon_as_none_is_left_running()
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 3);
        foreach (var s in new[] { 0, 1, 2 })
            executor.Gates[s] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // A linger far beyond the test's waits: only "nothing that ran beside them is left" can send these results.
        var worker = StartWorker(executor, coordinator, flushLinger: TimeSpan.FromMinutes(1));
        var handOut = new WorkItemBatch();
        handOut.Items.AddRange([Item(step: 2, sample: 0), Item(step: 2, sample: 1), Item(step: 2, sample: 2)]);
        handOut.Inputs.Add(Inputs(2)); // pushed with the step's first hand-out: nothing to fetch
        worker.Tell(handOut, coordinator.Ref); // one message, three items
        AwaitCondition(() => executor.Seen.Count == 3, Wait);

        executor.Gates[0].SetResult();
        executor.Gates[1].SetResult();
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // no fetch; sample 2 ran beside them and is still running

        executor.Gates[2].SetResult();
        var batch = coordinator.ExpectMsg<WorkResultBatch>(Wait);
        Assert.Equal([0, 1, 2], batch.Results.Select(r => r.Id.Sample).Order());
        Assert.All(batch.Results, r => Assert.Equal(2 + r.Id.Sample, r.Loss));
        Assert.All(executor.Seen, item =>
        {
            Assert.Equal(SpecJson, item.SpecJson);
            Assert.Equal(Parameters, item.Parameters);
        });

        worker.Tell(Item(step: 2, sample: 3), coordinator.Ref); // alone: its result goes out at once, as itself
        Assert.Equal(3, coordinator.ExpectMsg<WorkResult>(Wait).Id.Sample);
    }

    [Theory]
    [InlineData(false, 1)] // a QPU proxy: what it is given runs at once, so it gets only what it runs
    [InlineData(true, 2)]  // a simulator: it queues, so it gets everything held and a thread never waits for the actor
    public void An_executor_that_queues_gets_every_held_item_at_once(bool queues, int given)
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 1, queues);
        foreach (var s in new[] { 0, 1 })
            executor.Gates[s] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = StartWorker(executor, coordinator);
        var handOut = new WorkItemBatch();
        handOut.Items.AddRange([Item(step: 1, sample: 0), Item(step: 1, sample: 1)]);
        handOut.Inputs.Add(Inputs(1));
        worker.Tell(handOut, coordinator.Ref);
        AwaitCondition(() => executor.Seen.Count == given, Wait);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Equal(given, executor.Seen.Count); // sample 0 is still running: a second item was queued or held back

        executor.Gates[0].SetResult();
        executor.Gates[1].SetResult();
        var samples = ExpectResults(coordinator, 2).Select(r => r.Id.Sample).Order();
        Assert.Equal([0, 1], samples);
    }

    [Fact]
    public void A_worker_given_a_whole_step_runs_it_all_and_sends_its_results_once_it_runs_low_not_after_every_wave()
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 1, queues: true); // holds 2; the coordinator gave it 8 (the only worker)
        for (int s = 0; s < 8; s++)
            executor.Gates[s] = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var worker = StartWorker(executor, coordinator, flushLinger: TimeSpan.FromMinutes(1));
        var handOut = new WorkItemBatch();
        handOut.Items.AddRange(Enumerable.Range(0, 8).Select(s => Item(step: 4, sample: s)));
        handOut.Inputs.Add(Inputs(4));
        worker.Tell(handOut, coordinator.Ref);
        AwaitCondition(() => executor.Seen.Count == 8, Wait); // all of it on the executor's queue

        for (int s = 0; s < 6; s++)
            executor.Gates[s].SetResult();
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // two items left: more than its hold minus a wave

        executor.Gates[6].SetResult();
        var batch = coordinator.ExpectMsg<WorkResultBatch>(Wait); // one left: the seven go out together
        Assert.Equal(Enumerable.Range(0, 7), batch.Results.Select(r => r.Id.Sample).Order());
        executor.Gates[7].SetResult();
        Assert.Equal(7, coordinator.ExpectMsg<WorkResult>(Wait).Id.Sample);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // results free their slots at the coordinator: no extra request
    }

    [Fact]
    public void An_item_sent_twice_is_computed_once()
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 1);
        executor.Blocked.Add(0);
        var worker = StartWorker(executor, coordinator);
        worker.Tell(Item(step: 0, sample: 0), coordinator.Ref);
        coordinator.ExpectMsg<FetchStepInputs>(Wait);
        coordinator.Reply(Inputs(0));
        AwaitCondition(() => executor.Seen.Count == 1, Wait);
        worker.Tell(Item(step: 0, sample: 0), coordinator.Ref); // the coordinator re-sent it (e.g. after a timeout)
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Single(executor.Seen);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_failed_item_is_reported_permanent_only_for_bad_input_and_the_worker_asks_again(bool badInput)
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 1);
        executor.Failures[0] = badInput ? new ArgumentException("block out of range") : new TimeoutException("backend busy");
        var worker = StartWorker(executor, coordinator);
        worker.Tell(Item(step: 0, sample: 0), coordinator.Ref);
        coordinator.ExpectMsg<FetchStepInputs>(Wait);
        coordinator.Reply(Inputs(0));

        var failed = coordinator.ExpectMsg<WorkFailed>(Wait);
        Assert.Equal(0, failed.Id.Sample);
        Assert.Equal(badInput, failed.Permanent);
        Assert.Contains(badInput ? "block out of range" : "backend busy", failed.Reason);
        Assert.Equal(2, coordinator.ExpectMsg<RequestWork>(Wait).FreeSlots);
    }

    [Fact]
    public void An_item_of_a_step_the_run_has_left_is_dropped_without_a_result_or_a_failure()
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 1);
        var worker = StartWorker(executor, coordinator);
        worker.Tell(Item(step: 4, sample: 0), coordinator.Ref);
        coordinator.ExpectMsg<FetchStepInputs>(Wait);
        coordinator.Reply(Inputs(4, available: false));

        coordinator.ExpectMsg<RequestWork>(Wait); // its slot is free again
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        Assert.Empty(executor.Seen);
    }

    [Fact]
    public void Drain_hands_running_and_prefetched_items_back_and_takes_no_new_ones()
    {
        var coordinator = CreateTestProbe();
        var executor = new ScriptedExecutor(capacity: 1);
        executor.Blocked.Add(0);
        var worker = StartWorker(executor, coordinator);
        worker.Tell(Item(step: 0, sample: 0), coordinator.Ref);
        worker.Tell(Item(step: 0, sample: 1), coordinator.Ref); // prefetched behind the running one
        coordinator.ExpectMsg<FetchStepInputs>(Wait);
        coordinator.Reply(Inputs(0));
        AwaitCondition(() => executor.Seen.Count == 1, Wait);

        worker.Tell(Drain.Instance, TestActor);
        var returned = coordinator.ExpectMsg<ReturnWork>(Wait);
        Assert.Equal([0, 1], returned.Ids.Select(i => i.Sample).Order());
        Assert.Equal(2, ExpectMsg<Drained>(Wait).ReturnedItems);

        worker.Tell(Item(step: 0, sample: 2), coordinator.Ref); // arrives after the drain: straight back
        Assert.Equal(2, coordinator.ExpectMsg<ReturnWork>(Wait).Ids.Single().Sample);
        coordinator.ExpectNoMsg(TimeSpan.FromMilliseconds(300)); // the cancelled item reports nothing
    }
}
