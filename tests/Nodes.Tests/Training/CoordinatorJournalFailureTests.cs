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

    /// <summary>Akka's in-memory journal whose writes fail while <see cref="Failing"/> is set (one test class uses it).</summary>
    public sealed class SwitchableJournal : MemoryJournal
    {
        public static volatile bool Failing;

        protected override Task<IImmutableList<Exception>> WriteMessagesAsync(IEnumerable<AtomicWrite> messages, CancellationToken cancellationToken) =>
            Failing
                ? Task.FromException<IImmutableList<Exception>>(new InvalidOperationException("Failed to connect to 127.0.0.1:5432 (Connection refused)"))
                : base.WriteMessagesAsync(messages, cancellationToken);
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
}
