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
    /// <see cref="Blocked"/> samples wait until cancelled.
    /// </summary>
    private sealed class ScriptedExecutor(int capacity) : IWorkItemExecutor
    {
        public ConcurrentDictionary<int, Exception> Failures { get; } = new();
        public ConcurrentBag<int> Blocked { get; } = [];
        public ConcurrentQueue<WorkItem> Seen { get; } = new();

        public string Kind => "simulator";
        public int Capacity => capacity;

        public async Task<SampleGradient> ExecuteAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken)
        {
            Seen.Enqueue(item);
            if (Failures.TryGetValue(item.Id.Sample, out var error)) throw error;
            if (Blocked.Contains(item.Id.Sample)) await Task.Delay(Timeout.Infinite, cancellationToken);
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
    private IActorRef StartWorker(ScriptedExecutor executor, Akka.TestKit.TestProbe coordinator)
    {
        var worker = Sys.ActorOf(WorkerActor.Props(executor, StandInProblems.NewCache(), coordinator.Ref, "node-a", TimeSpan.FromMinutes(10)));
        var register = coordinator.ExpectMsg<RegisterWorker>(Wait);
        Assert.Equal(("simulator", "node-a", executor.Capacity * 2), (register.Kind, register.Node, register.Capacity));
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

        var results = new[] { coordinator.ExpectMsg<WorkResult>(Wait), coordinator.ExpectMsg<WorkResult>(Wait) }
            .OrderBy(r => r.Id.Sample).ToArray();
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
