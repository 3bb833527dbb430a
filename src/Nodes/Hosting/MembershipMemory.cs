using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using QD3PM.Nodes.Configuration;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// A coordinator node's memory of the cluster, kept in the journal database, so a restarted coordinator rejoins the
/// running cluster whatever its --seeds say. Akka's rule for seeds: a node that is the first of its seed list asks the
/// other seeds to let it in and, when none answers within seed-node-timeout, forms a new cluster. A coordinator
/// restarted with its original command (itself first, the workers listing only it) has nobody else to ask, so it
/// formed a second, one-node cluster while the workers waited for it in the first one. With this memory the node asks
/// the configured seeds AND every member it last saw (recorded here whenever membership changed); only when none of
/// them answers does the first seed form a new cluster. Persistence id per node address (two coordinator nodes never
/// write the same id); one event per membership change, older events deleted.
/// </summary>
public sealed class MembershipMemory : ReceivePersistentActor, IWithTimers
{
    public const string Name = "membership-memory";

    /// <summary>
    /// How long after a membership change the members are recorded: a burst of changes is one write, and short, since a
    /// coordinator that crashes before the write comes back not knowing the new members.
    /// </summary>
    private static readonly TimeSpan RecordDelay = TimeSpan.FromMilliseconds(200);

    private sealed record Record
    {
        public static readonly Record Instance = new();
    }

    private readonly SeedJoin _join;
    private readonly string _persistenceId;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private HashSet<string> _recorded = new(StringComparer.Ordinal);

    public MembershipMemory(SeedJoin join, string persistenceId)
    {
        _join = join;
        _persistenceId = persistenceId;
        Recover<KnownMembers>(known => _recorded = known.Addresses.ToHashSet(StringComparer.Ordinal));
        Recover<RecoveryCompleted>(_ =>
        {
            if (_join.Join(_recorded.Select(Address.Parse)) is { } seeds)
                _log.Info("joining through {0} (configured seeds, then the {1} members remembered in the journal)",
                    string.Join(", ", seeds), _recorded.Count);
            _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        });
        Command<ClusterEvent.CurrentClusterState>(_ => Timers.StartSingleTimer("record", Record.Instance, RecordDelay));
        Command<ClusterEvent.IMemberEvent>(_ => Timers.StartSingleTimer("record", Record.Instance, RecordDelay));
        Command<Record>(_ => RecordMembers());
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failure => _log.Warning("pruning the membership memory failed: {0}", failure.Cause.Message));
    }

    public override string PersistenceId => _persistenceId;

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Coordinator nodes with a journal that join through seeds use the memory (embedded nodes join themselves).</summary>
    public static bool AppliesTo(NodeOptions options) => options.Has(NodeRoles.Coordinator) && options.Journal is not null && options.Seeds.Count > 0;

    public static string PersistenceIdFor(NodeOptions options) => $"qd3pm-members@{options.Host}:{options.Port}";

    /// <summary>The memory under a back-off supervisor: a journal failure stops it; it comes back when the journal does.</summary>
    public static Props Props(SeedJoin join, string persistenceId) =>
        Akka.Pattern.BackoffSupervisor.Props(Akka.Pattern.Backoff.OnStop(
            Akka.Actor.Props.Create(() => new MembershipMemory(join, persistenceId)), "memory",
            TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), 0.2, -1));

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        base.PostStop();
    }

    private void RecordMembers()
    {
        if (_cluster.SelfMember.Status is not (MemberStatus.Up or MemberStatus.WeaklyUp))
            return; // not in a cluster yet: nothing new to remember, and the old memory is still the way back in
        var now = _cluster.State.Members
            .Where(m => m.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Joining)
            .Select(m => m.Address.ToString())
            .ToHashSet(StringComparer.Ordinal);
        if (now.SetEquals(_recorded))
            return;
        var known = new KnownMembers();
        known.Addresses.AddRange(now.Order(StringComparer.Ordinal));
        Persist(known, e =>
        {
            _recorded = e.Addresses.ToHashSet(StringComparer.Ordinal);
            if (LastSequenceNr > 1)
                DeleteMessages(LastSequenceNr - 1);
        });
    }

    // Akka stops the actor after these (the back-off supervisor starts it again); one line instead of a stack trace.
    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr) =>
        _log.Warning("recording the cluster's members in the journal failed: {0}", cause.Message);

    protected override void OnRecoveryFailure(Exception reason, object? message = null) =>
        _log.Warning("reading the remembered cluster members from the journal failed: {0}", reason.Message);
}
