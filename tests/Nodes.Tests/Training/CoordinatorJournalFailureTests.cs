using System.Collections.Immutable;
using Akka.Actor;
using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using Akka.TestKit.Xunit2;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Serialization;
using Xunit;
using static QD3PM.Nodes.Training.CoordinatorProtocol;

namespace QD3PM.Nodes.Tests.Training;

/// <summary>
/// A run submitted while the coordinator's journal fails its writes: the submitter is told the journal's error (the
/// run does not exist; Akka then stops the coordinator), and the same submit once the journal writes registers it.
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
    /// <see cref="ReadsFailing"/> is (one test class uses it; xunit runs its tests one at a time).
    /// </summary>
    public sealed class SwitchableJournal : MemoryJournal
    {
        public static volatile bool Failing;
        public static volatile bool ReadsFailing;
        private static int _coordinatorWrites;

        /// <summary>Writes the coordinator attempted (its registry events), failed or not.</summary>
        public static int CoordinatorWrites => Volatile.Read(ref _coordinatorWrites);

        private static Exception Refused() => new InvalidOperationException("Failed to connect to 127.0.0.1:5432 (Connection refused)");

        protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken)
        {
            var writes = messages.ToList();
            if (writes.Any(w => w.PersistenceId == CoordinatorActor.PersistenceIdValue))
                Interlocked.Increment(ref _coordinatorWrites);
            return Failing ? Task.FromException<IImmutableList<Exception>>(Refused()) : base.WriteMessagesAsync(writes, cancellationToken);
        }

        public override Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken) =>
            ReadsFailing ? Task.FromException<long>(Refused()) : base.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);
    }

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
            Assert.Equal(RunState.WaitingForJournal, ExpectMsg<RunStatus>(TimeSpan.FromSeconds(5)).State);

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
