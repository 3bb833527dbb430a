using System.Collections.Immutable;
using System.Data.Common;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
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
/// A run submitted while the coordinator's journal fails its writes: the submitter is told the journal's error (the
/// run does not exist; Akka then stops the coordinator), and the same submit once the journal writes registers it.
/// While a run waits for an unreachable database new submits are refused; a run whose own events cannot be read does
/// not refuse them.
/// </summary>
public sealed class CoordinatorJournalFailureTests() : TestKit(JournalConfig)
{
    private static readonly Config JournalConfig = ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.switchable"
        akka.persistence.journal.switchable {
          class = "{{typeof(SwitchableJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """).WithFallback(ActorTestConfig.OneNodeCluster);

    /// <summary>
    /// Akka's in-memory journal whose writes fail while <see cref="Failing"/> is set, and its reads (recovery) too while
    /// <see cref="ReadsFailing"/> is, as an unreachable PostgreSQL fails them (a <see cref="DbException"/>); the
    /// recovery of the run named <see cref="UnreadableRun"/> fails as a corrupt row would (one test class uses it; xunit
    /// runs its tests one at a time).
    /// </summary>
    public sealed class SwitchableJournal : MemoryJournal
    {
        public static volatile bool Failing;
        public static volatile bool ReadsFailing;
        public static volatile string? UnreadableRun;
        private static int _coordinatorWrites;

        /// <summary>Writes the coordinator attempted (its registry events), failed or not.</summary>
        public static int CoordinatorWrites => Volatile.Read(ref _coordinatorWrites);

        private static Exception Refused() => new UnreachableDatabaseException("Failed to connect to 127.0.0.1:5432 (Connection refused)");

        /// <summary>What parsing a stored event that is not one (another build's, a corrupt row) throws.</summary>
        private static Exception Unreadable()
        {
            try
            {
                RunStatus.Parser.ParseFrom([0]); // tag 0 is never valid
            }
            catch (Google.Protobuf.InvalidProtocolBufferException ex)
            {
                return ex;
            }
            throw new InvalidOperationException("a zero byte parsed as a message");
        }

        protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
        {
            var writes = messages.ToList();
            if (writes.Any(w => w.PersistenceId == CoordinatorActor.PersistenceIdValue))
                Interlocked.Increment(ref _coordinatorWrites);
            return Failing ? Task.FromException<IImmutableList<Exception>>(Refused()) : base.WriteMessagesAsync(writes, cancellationToken);
        }

        public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
            ReadsFailing ? Task.FromException<long>(Refused())
            : UnreadableRun is { } run && persistenceId.Contains(run, StringComparison.Ordinal) ? Task.FromException<long>(Unreadable())
            : base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

    /// <summary>A database driver's error (Npgsql's and SQLite's derive from <see cref="DbException"/> too).</summary>
    private sealed class UnreachableDatabaseException(string message) : DbException(message);

    private static readonly string SpecJson = TrainingSpecJson.Serialize(new TrainingSpec
    {
        Model = SyntheticGradientProblem.ModelName, Dataset = "synthetic:6", Batch = 2, Steps = 1, Seed = 5, Gradient = GradientMethod.Adjoint,
    });

    [Fact]
    public void A_submit_whose_registry_write_fails_is_answered_with_the_journal_error_and_the_same_submit_later_registers_the_run()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        SwitchableJournal.Failing = true;
        try
        {
            var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator");
            Watch(coordinator);
            coordinator.Tell(new SubmitRun { RunId = "r1", SpecJson = SpecJson }, TestActor);
            var refused = ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
            Assert.Equal("r1", refused.RunId);
            Assert.Contains("Connection refused", refused.JournalError);
            ExpectTerminated(coordinator, TimeSpan.FromSeconds(10)); // Akka's rule after a failed write; its supervisor restarts it

            SwitchableJournal.Failing = false;
            var again = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator-again");
            again.Tell(new SubmitRun { RunId = "r1", SpecJson = SpecJson }, TestActor);
            var accepted = ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
            Assert.Equal(("r1", false, ""), (accepted.RunId, accepted.AlreadyExisted, accepted.JournalError)); // registered now, not before
            again.Tell(new GetRun { RunId = "r1" }, TestActor);
            Assert.NotEqual(RunState.Unknown, FishForMessage<RunStatus>(_ => true, TimeSpan.FromSeconds(10)).State);
        }
        finally
        {
            SwitchableJournal.Failing = false;
        }
    }
    [Fact]
    public void A_coordinator_that_cannot_recover_its_registry_says_why_on_the_event_stream_and_whether_the_database_is_down()
    {
        Sys.EventStream.Subscribe(TestActor, typeof(CoordinatorJournalFailed));
        SwitchableJournal.UnreadableRun = CoordinatorActor.PersistenceIdValue;
        try
        {
            var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator-unreadable");
            Watch(coordinator);
            var failed = ExpectMsg<CoordinatorJournalFailed>(TimeSpan.FromSeconds(10));
            Assert.False(failed.DatabaseUnreachable, failed.Error); // a record it cannot read: an embedded `train` stops (exit 9)
            Assert.StartsWith("reading the coordinator's run registry from the journal failed: ", failed.Error, StringComparison.Ordinal);
            Assert.Contains("invalid tag", failed.Error, StringComparison.Ordinal);
            ExpectTerminated(coordinator, TimeSpan.FromSeconds(10)); // Akka's rule; the node's back-off supervisor starts it again
        }
        finally
        {
            SwitchableJournal.UnreadableRun = null;
        }

        SwitchableJournal.ReadsFailing = true;
        try
        {
            var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator-outage");
            var failed = ExpectMsg<CoordinatorJournalFailed>(TimeSpan.FromSeconds(10));
            Assert.True(failed.DatabaseUnreachable, failed.Error); // an outage: waiting for the database is right
            Assert.Contains("Connection refused", failed.Error, StringComparison.Ordinal);
        }
        finally
        {
            SwitchableJournal.ReadsFailing = false;
        }
    }

    [Fact]
    public void While_a_run_waits_for_the_journal_a_submit_is_refused_without_a_write_and_the_coordinator_keeps_answering()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        try
        {
            var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator");
            var watcher = CreateTestProbe();
            watcher.Watch(coordinator);
            var longRun = TrainingSpecJson.Serialize(TrainingSpecJson.Deserialize(SpecJson) with { Steps = 1000 }); // no workers: it stays at step 0
            coordinator.Tell(new SubmitRun { RunId = "waiting", SpecJson = longRun }, TestActor);
            Assert.Equal("", ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10)).JournalError);
            AwaitState(coordinator, "waiting", s => s == RunState.Running);

            // The journal goes down; the run finds out when it writes (a pause) and waits for it, retrying its recovery.
            SwitchableJournal.Failing = true;
            SwitchableJournal.ReadsFailing = true;
            coordinator.Tell(new ControlRun { RunId = "waiting", Action = RunAction.Pause }, CreateTestProbe());
            AwaitState(coordinator, "waiting", s => s == RunState.WaitingForJournal);

            int writesBefore = SwitchableJournal.CoordinatorWrites;
            coordinator.Tell(new SubmitRun { RunId = "new", SpecJson = SpecJson }, TestActor);
            var refused = ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
            Assert.Equal("new", refused.RunId);
            Assert.Contains("Connection refused", refused.JournalError);
            Assert.Equal(writesBefore, SwitchableJournal.CoordinatorWrites); // refused without writing
            watcher.ExpectNoMsg(TimeSpan.FromSeconds(1)); // not stopped (a failed write would stop it), ...
            coordinator.Tell(new GetRun { RunId = "waiting" }, TestActor); // ... so the waiting run is still answered for
            var waiting = ExpectMsg<RunStatus>(TimeSpan.FromSeconds(5));
            Assert.Equal(RunState.WaitingForJournal, waiting.State);
            Assert.False(waiting.JournalDataError, "an outage: a client keeps following the run until the journal is back");

            // The journal is back: the run recovers (within the 5 s retry maximum), and the same submit registers the run.
            SwitchableJournal.Failing = false;
            SwitchableJournal.ReadsFailing = false;
            AwaitState(coordinator, "waiting", s => s != RunState.WaitingForJournal, TimeSpan.FromSeconds(20));
            coordinator.Tell(new SubmitRun { RunId = "new", SpecJson = SpecJson }, TestActor);
            var accepted = ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
            Assert.Equal(("new", false, ""), (accepted.RunId, accepted.AlreadyExisted, accepted.JournalError));
            watcher.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // the coordinator was never stopped
        }
        finally
        {
            SwitchableJournal.Failing = false;
            SwitchableJournal.ReadsFailing = false;
        }
    }

    [Fact]
    public void A_run_whose_events_cannot_be_read_waits_for_the_journal_without_refusing_new_submits_and_a_new_run_trains()
    {
        Akka.Cluster.Cluster.Get(Sys).Join(Akka.Cluster.Cluster.Get(Sys).SelfAddress);
        SwitchableJournal.UnreadableRun = "unreadable";
        try
        {
            var coordinator = Sys.ActorOf(CoordinatorActor.Props(StandInProblems.NewCache(), new CoordinatorSettings()), "coordinator");
            coordinator.Tell(new SubmitRun { RunId = "unreadable", SpecJson = SpecJson }, TestActor);
            Assert.Equal("", ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10)).JournalError);
            AwaitState(coordinator, "unreadable", s => s == RunState.WaitingForJournal);
            coordinator.Tell(new GetRun { RunId = "unreadable" }, TestActor);
            var unreadable = ExpectMsg<RunStatus>(TimeSpan.FromSeconds(5));
            Assert.Contains("recovery from the journal failed", unreadable.Error); // it says why
            Assert.True(unreadable.JournalDataError, "not an outage: a client following the run stops and says so");

            // The database answers: a new run is registered, not refused for the unreadable run, and trains.
            coordinator.Tell(new SubmitRun { RunId = "new", SpecJson = SpecJson }, TestActor);
            var accepted = ExpectMsg<RunAccepted>(TimeSpan.FromSeconds(10));
            Assert.Equal(("new", false, ""), (accepted.RunId, accepted.AlreadyExisted, accepted.JournalError));
            var worker = CreateTestProbe();
            var inputs = CreateTestProbe();
            for (int i = 0; i < 10 && !IsCompleted(coordinator, "new"); i++)
            {
                coordinator.Tell(new RequestWork { Kind = "simulator", Capacity = 1, FreeSlots = 1 }, worker.Ref);
                if (worker.ReceiveOne(TimeSpan.FromSeconds(2)) is WorkItem item)
                    coordinator.Tell(Answer(coordinator, inputs, item), worker.Ref);
            }
            coordinator.Tell(new GetRun { RunId = "new", IncludeParameters = true }, TestActor);
            var final = ExpectMsg<RunStatus>(TimeSpan.FromSeconds(5));
            Assert.True(final.State == RunState.Completed, $"{final.State}: {final.Error}");
            var expected = ReferenceTrainer.Train(new SyntheticGradientProblem(TrainingSpecJson.Deserialize(SpecJson)), [ParameterRange.All(6)]);
            Assert.Equal(expected.Parameters, final.Parameters); // bit for bit
            coordinator.Tell(new GetRun { RunId = "unreadable" }, TestActor);
            Assert.Equal(RunState.WaitingForJournal, ExpectMsg<RunStatus>(TimeSpan.FromSeconds(5)).State); // still waiting, still shown
        }
        finally
        {
            SwitchableJournal.UnreadableRun = null;
        }
    }

    private bool IsCompleted(IActorRef coordinator, string runId)
    {
        coordinator.Tell(new GetRun { RunId = runId }, TestActor);
        return ExpectMsg<RunStatus>(TimeSpan.FromSeconds(5)).State == RunState.Completed;
    }

    /// <summary>What a worker node does: fetch the step's inputs, evaluate the item, answer.</summary>
    private static WorkResult Answer(IActorRef coordinator, Akka.TestKit.TestProbe inputs, WorkItem item)
    {
        coordinator.Tell(new FetchStepInputs { RunId = item.Id.RunId, Step = item.Id.Step }, inputs.Ref);
        var step = inputs.ExpectMsg<StepInputs>(TimeSpan.FromSeconds(5));
        var problem = new SyntheticGradientProblem(TrainingSpecJson.Deserialize(step.SpecJson));
        var g = problem.Evaluate(step.Parameters.ToArray(), item.Id.Step, item.Id.Sample, new ParameterRange(item.BlockStart, item.BlockEnd), (GradientMethod)item.Method);
        var result = new WorkResult { Id = item.Id, Loss = g.Loss, CircuitEvaluations = g.CircuitEvaluations };
        result.Gradient.AddRange(g.Gradient);
        return result;
    }

    /// <summary>
    /// Asks for the run's status until its state satisfies <paramref name="until"/> (bounded in time). A question that
    /// reached the run actor just as its write failed goes unanswered (it is dropped with the actor): asked again.
    /// </summary>
    private void AwaitState(IActorRef coordinator, string runId, Func<RunState, bool> until, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(10));
        string last = "no answer";
        while (DateTime.UtcNow < deadline)
        {
            coordinator.Tell(new GetRun { RunId = runId }, TestActor);
            if (ReceiveOne(TimeSpan.FromSeconds(1)) is RunStatus status)
            {
                if (until(status.State))
                    return;
                last = $"{status.State}: {status.Error}";
                Thread.Sleep(100);
            }
        }
        Assert.Fail($"run {runId} is still {last}");
    }
}
