using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using QD3PM.Protocol.Ops;
using static QD3PM.Nodes.Workers.WorkerProtocol;

namespace QD3PM.Nodes.Operations;

/// <summary>
/// Every node's operations agent at /user/ops: tells other nodes' admin services who it is and how long it has been
/// up (<see cref="IdentifyNode"/>), and drains this node on request (<see cref="DrainNode"/>): its workers finish
/// the items they run, take no new ones, and once all are idle the node leaves the cluster (its coordinated
/// shutdown then stops the process).
/// </summary>
public sealed class OpsAgent : ReceiveActor, IWithTimers
{
    public const string Name = "ops";

    private static readonly DateTime ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();
    private readonly IReadOnlyList<IActorRef> _workers;
    private readonly int _metricsPort;
    private readonly TimeSpan _drainLimit;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly HashSet<IActorRef> _busy = [];
    private bool _draining;
    private IActorRef? _requester;
    private DrainStarted? _reply;
    private int _pendingProgress;

    public OpsAgent(IReadOnlyList<IActorRef> workers, int metricsPort, TimeSpan drainLimit)
    {
        _workers = workers;
        _metricsPort = metricsPort;
        _drainLimit = drainLimit;

        Receive<IdentifyNode>(_ => Sender.Tell(new NodeIdentity
        {
            Address = Cluster.Get(Context.System).SelfAddress.ToString(),
            UpSeconds = UpTime.TotalSeconds,
            ProcessId = Environment.ProcessId,
            MetricsPort = _metricsPort,
        }));
        Receive<DrainNode>(_ => OnDrain());
        Receive<WorkerIdle>(idle =>
        {
            _busy.Remove(Sender);
            _log.Info("drain: {0} worker is idle ({1} still busy)", idle.Kind, _busy.Count);
            LeaveWhenIdle();
        });
        Receive<DrainProgress>(progress =>
        {
            _pendingProgress--;
            if (_reply is not null)
            {
                _reply.InFlight += progress.InFlight;
                _reply.Returned += progress.Returned;
            }
            ReplyWhenCounted();
        });
        Receive<DrainLimit>(_ =>
        {
            _log.Warning("drain: workers still busy after {0}; leaving anyway (their items are re-queued)", _drainLimit);
            _busy.Clear();
            _pendingProgress = 0;
            ReplyWhenCounted();
            LeaveWhenIdle();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static TimeSpan UpTime => DateTime.UtcNow - ProcessStart;

    public static Props Props(IReadOnlyList<IActorRef> workers, int metricsPort, TimeSpan drainLimit) =>
        Akka.Actor.Props.Create(() => new OpsAgent(workers, metricsPort, drainLimit));

    private void OnDrain()
    {
        var self = Cluster.Get(Context.System).SelfAddress.ToString();
        if (_draining)
        {
            Sender.Tell(new DrainStarted { Address = self, Workers = _workers.Count });
            return;
        }
        _draining = true;
        _requester = Sender;
        _reply = new DrainStarted { Address = self, Workers = _workers.Count };
        _pendingProgress = _workers.Count;
        foreach (var worker in _workers)
        {
            _busy.Add(worker); // until it says WorkerIdle
            worker.Tell(GracefulDrain.Instance);
        }
        Timers.StartSingleTimer("drain-limit", DrainLimit.Instance, _drainLimit);
        ReplyWhenCounted();
        LeaveWhenIdle();
    }

    private void ReplyWhenCounted()
    {
        if (_pendingProgress > 0 || _requester is null || _reply is null)
            return;
        _log.Info("drain: {0} workers, {1} items in flight, {2} handed back", _reply.Workers, _reply.InFlight, _reply.Returned);
        _requester.Tell(_reply);
        _requester = null;
    }

    private void LeaveWhenIdle()
    {
        if (!_draining || _busy.Count > 0)
            return;
        Timers.Cancel("drain-limit");
        var cluster = Cluster.Get(Context.System);
        _log.Info("drain: workers idle; {0} leaves the cluster", cluster.SelfAddress);
        cluster.Leave(cluster.SelfAddress);
    }

    private sealed record DrainLimit
    {
        public static readonly DrainLimit Instance = new();
    }
}
