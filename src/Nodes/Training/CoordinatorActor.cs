using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Akka.Persistence;
using QD3PM.Core.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using static QD3PM.Nodes.Training.CoordinatorProtocol;

namespace QD3PM.Nodes.Training;

/// <summary>
/// The training coordinator: a cluster singleton on role "coordinator" and a persistent actor holding the registry of
/// runs (one <see cref="RunSubmitted"/> event per run; each run is a persistent <see cref="RunActor"/> child).
/// It owns the work queue: workers pull (<see cref="RequestWork"/>), it hands out items of all runs in FIFO order,
/// accepts the first result per item id (later duplicates are ignored) and re-queues the items of workers that die,
/// become unreachable, hand them back or pass their deadline. A worker that announces accepts_batches gets all the
/// items of one hand-out in one <see cref="WorkItemBatch"/> and may answer with <see cref="WorkResultBatch"/>: remoting
/// costs per message, not per item, so that is what keeps the coordinator's time per item small at many workers.
/// </summary>
public sealed class CoordinatorActor : ReceivePersistentActor, IWithTimers
{
    public const string PersistenceIdValue = "qd3pm-coordinator";

    private sealed class WorkerEntry(string kind, string node, int capacity, bool acceptsBatches)
    {
        public bool AcceptsBatches { get; set; } = acceptsBatches;
        /// <summary>Its executor queues any number of items (see HoldLimit).</summary>
        public bool QueuesBeyondCapacity { get; set; }
        /// <summary>Per run, the step whose inputs were pushed to this worker last.</summary>
        public Dictionary<string, long> InputsSent { get; } = new(StringComparer.Ordinal);
        public string Kind { get; set; } = kind;
        public string Node { get; set; } = node;
        public int Capacity { get; set; } = capacity;
        public bool Reachable { get; set; } = true;
        public bool Draining { get; set; }
        public long ItemsDone { get; set; }
        public long Failures { get; set; }
        public double TotalLatencyMs { get; set; }
        public double TotalQpuCost { get; set; }
        public RecentMeasure Recent { get; } = new(); // what `cheapest` routing ranks by (the totals are for `top`)
        public long CircuitEvaluations { get; set; }
        public long ResultMessages { get; set; }
    }

    private readonly ProblemCache _problems;
    private readonly CoordinatorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<string, RunSubmitted> _runs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RunStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, WorkerEntry> _workers = new();
    private readonly WorkLedger<IActorRef> _ledger = new();
    private readonly Dictionary<string, StepInputs> _stepInputs = new(StringComparer.Ordinal); // per run: its current step's
    private readonly Dictionary<ItemKey, int> _failures = new();
    private readonly Dictionary<string, JournalWait> _waitingForJournal = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IActorRef> _submitting = new(StringComparer.Ordinal); // runs whose RunSubmitted is being written
    private long _duplicates;

    public CoordinatorActor(ProblemCache problems, CoordinatorSettings settings)
    {
        _problems = problems;
        _settings = settings;

        Recover<RunSubmitted>(e => _runs[e.RunId] = e);
        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RunRegistrySnapshot snapshot)
                foreach (var run in snapshot.Runs)
                    _runs[run.RunId] = run;
        });
        Recover<RecoveryCompleted>(_ =>
        {
            Context.System.EventStream.Publish(CoordinatorRecovered.Instance);
            foreach (var run in _runs.Values)
                StartRun(run);
        });

        Command<SubmitRun>(OnSubmit);
        Command<GetRun>(get => ForwardToRun(get.RunId, get));
        Command<GetRunSteps>(OnGetRunSteps);
        Command<ControlRun>(control => ForwardToRun(control.RunId, control));
        Command<RunJournalFailed>(OnRunJournalFailed);
        Command<ListRuns>(_ => OnList());
        Command<GetWorkers>(_ => OnGetWorkers());

        Command<RegisterWorker>(register =>
        {
            Track(Sender, register.Kind, register.Node, register.Capacity, register.AcceptsBatches, register.QueuesBeyondCapacity);
            Sender.Tell(new WorkerRegistered { CoordinatorNode = Cluster.Get(Context.System).SelfAddress.ToString() });
        });
        Command<RequestWork>(request =>
        {
            Track(Sender, request.Kind, request.Node, Math.Max(request.Capacity, request.FreeSlots), request.AcceptsBatches, request.QueuesBeyondCapacity);
            Dispatch();
        });
        Command<WorkResult>(result =>
        {
            CountResultMessage(Sender);
            Accept([result]);
            DispatchTo(Sender);
        });
        Command<WorkResultBatch>(batch =>
        {
            CountResultMessage(Sender);
            Accept(batch.Results);
            DispatchTo(Sender); // the freed slots of the whole batch refilled in one hand-out
        });
        Command<FetchStepInputs>(fetch =>
        {
            var child = Context.Child(ChildName(fetch.RunId));
            if (child.IsNobody())
                Sender.Tell(new StepInputs { RunId = fetch.RunId, Step = fetch.Step, Available = false });
            else
                child.Forward(fetch);
        });
        Command<WorkFailed>(OnFailed);
        Command<ReturnWork>(returned =>
        {
            foreach (var id in returned.Ids)
                _ledger.Requeue(ItemKey.From(id));
            if (_workers.TryGetValue(Sender, out var w))
            {
                w.Capacity = 0; // draining: no new work for it
                w.Draining = true;
            }
            Dispatch();
        });

        Command<EnqueueStep>(step =>
        {
            if (step.Inputs is { } inputs)
                _stepInputs[step.RunId] = inputs;
            _ledger.Enqueue(step.Items);
            Dispatch();
        });
        Command<DropWork>(drop =>
        {
            _ledger.DropRun(drop.RunId);
            ForgetInputs(drop.RunId);
        });
        Command<RunChanged>(changed =>
        {
            _statuses[changed.Status.RunId] = changed.Status;
            if (changed.Status.State is not (RunState.Running or RunState.Recovering))
                ForgetInputs(changed.Status.RunId); // completed, failed, paused, ...: no step of it is handed out
            if (changed.Status.State != RunState.Recovering && _waitingForJournal.Remove(changed.Status.RunId, out var wait) && wait.Attempts > 0)
                _log.Info("run {0}: the journal answers again; the run continues", changed.Status.RunId);
        });
        Command<Tick>(_ =>
        {
            var expired = _ledger.ReleaseExpired(DateTime.UtcNow);
            if (expired.Count > 0)
            {
                _log.Warning("re-queued {0} items past their deadline", expired.Count);
                Dispatch();
            }
        });
        Command<RestartRun>(restart =>
        {
            if (_runs.TryGetValue(restart.RunId, out var run))
                StartRun(run);
        });
        Command<Terminated>(OnTerminated);
        Command<ClusterEvent.UnreachableMember>(u => SetReachability(u.Member.Address, false));
        Command<ClusterEvent.ReachableMember>(r => SetReachability(r.Member.Address, true));
        Command<ClusterEvent.IClusterDomainEvent>(_ => { });
        Command<ClusterEvent.CurrentClusterState>(_ => { });
        Command<SaveSnapshotSuccess>(_ => { });
        Command<SaveSnapshotFailure>(_ => { });
    }

    public override string PersistenceId => PersistenceIdValue;

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(ProblemCache problems, CoordinatorSettings settings) =>
        Akka.Actor.Props.Create(() => new CoordinatorActor(problems, settings));

    protected override void PreStart()
    {
        base.PreStart();
        Timers.StartPeriodicTimer("tick", Tick.Instance, _settings.TickInterval);
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember));
    }

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        base.PostStop();
    }

    private void OnSubmit(SubmitRun submit)
    {
        if (_runs.ContainsKey(submit.RunId))
        {
            Sender.Tell(new RunAccepted { RunId = submit.RunId, AlreadyExisted = true });
            return;
        }
        if (JournalKnownDown() is { } journalError)
        {
            // The write would fail like the waiting run's, and Akka would stop this actor for it: every other run and
            // query would be unavailable until its supervisor had started it again. The submitter is told instead and
            // submits again under the same id (the client does for up to 60 s), once the run has found the journal back.
            Sender.Tell(new RunAccepted { RunId = submit.RunId, JournalError = journalError });
            return;
        }
        var replyTo = Sender;
        var e = new RunSubmitted { RunId = submit.RunId, SpecJson = submit.SpecJson, SubmittedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), Budget = submit.Budget };
        _submitting[e.RunId] = replyTo;
        Persist(e, persisted =>
        {
            _submitting.Remove(persisted.RunId);
            _runs[persisted.RunId] = persisted;
            StartRun(persisted);
            replyTo.Tell(new RunAccepted { RunId = persisted.RunId });
            if (LastSequenceNr % 100 == 0)
            {
                var snapshot = new RunRegistrySnapshot();
                snapshot.Runs.AddRange(_runs.Values);
                SaveSnapshot(snapshot);
            }
        });
    }

    /// <summary>
    /// The journal's last error while a run waits for it because the database is unreachable (its write or recovery
    /// failed so, and it has not recovered since: the next <see cref="RunChanged"/> of its actor says it has), else null.
    /// With no run waiting for that reason nothing is known, and a submit is written as usual. A run whose journal failed
    /// for another reason (an event this build cannot read) waits too, but says nothing about other runs' writes.
    /// </summary>
    private string? JournalKnownDown()
    {
        foreach (var runId in _waitingForJournal.Where(w => w.Value.DatabaseUnreachable).Select(w => w.Key))
        {
            var error = _statuses.TryGetValue(runId, out var status) && status.Error.Length > 0 ? status.Error : "it does not answer";
            return $"run {runId} is waiting for the journal: " + error;
        }
        return null;
    }

    private void StartRun(RunSubmitted run)
    {
        if (!Context.Child(ChildName(run.RunId)).IsNobody())
            return;
        var child = Context.ActorOf(RunActor.Props(run.RunId, run.SpecJson, run.SubmittedUnixMs, _problems, _settings, run.Budget), ChildName(run.RunId));
        Context.Watch(child);
        // A run started again after a journal failure keeps showing waiting-for-journal (and its step) until it recovers.
        if (!_statuses.ContainsKey(run.RunId))
            _statuses[run.RunId] = new RunStatus { RunId = run.RunId, State = RunState.Recovering, SpecJson = run.SpecJson, SubmittedUnixMs = run.SubmittedUnixMs };
    }

    private static string ChildName(string runId) => "run-" + Uri.EscapeDataString(runId);

    /// <summary>
    /// Status queries and control go to the run actor (while it recovers they wait in its stash). A run waiting for its
    /// journal is answered from the coordinator's cached status instead, between attempts (no run actor exists) and
    /// during one (the attempt may end in a failure that drops the stashed query): a known run never looks unknown.
    /// </summary>
    private void ForwardToRun(string runId, object message)
    {
        var child = Context.Child(ChildName(runId));
        if (_statuses.TryGetValue(runId, out var cached) && (child.IsNobody() || cached.State == RunState.WaitingForJournal))
            Sender.Tell(cached.Clone());
        else if (child.IsNobody())
            Sender.Tell(new RunStatus { RunId = runId, State = RunState.Unknown, Error = $"no run with id '{runId}'" });
        else
            child.Forward(message);
    }

    /// <summary>A run's step history comes from its actor; while it is not running, none (the client asks again).</summary>
    private void OnGetRunSteps(GetRunSteps get)
    {
        var child = Context.Child(ChildName(get.RunId));
        if (child.IsNobody())
            Sender.Tell(new RunSteps { RunId = get.RunId, Known = _statuses.ContainsKey(get.RunId) });
        else
            child.Forward(get);
    }

    private void OnRunJournalFailed(RunJournalFailed failed)
    {
        if (!_statuses.TryGetValue(failed.RunId, out var status))
            return;
        var waiting = status.Clone();
        waiting.State = RunState.WaitingForJournal;
        waiting.Error = failed.Error;
        waiting.JournalDataError = !failed.DatabaseUnreachable;
        waiting.ItemsOutstanding = 0;
        _statuses[failed.RunId] = waiting;
        WaitFor(failed.RunId).DatabaseUnreachable = failed.DatabaseUnreachable;
        JournalError.ClearPools();
    }

    /// <summary>
    /// A run waiting for its journal: how many times its actor has stopped on a journal failure since it last ran (the
    /// restart back-off), and whether the last failure said the database is unreachable (then new submits are refused).
    /// Forgotten once the run reports a state other than recovering.
    /// </summary>
    private sealed class JournalWait
    {
        public int Attempts { get; set; }
        public bool DatabaseUnreachable { get; set; }
    }

    private JournalWait WaitFor(string runId)
    {
        if (!_waitingForJournal.TryGetValue(runId, out var wait))
            _waitingForJournal[runId] = wait = new JournalWait();
        return wait;
    }

    private void OnList()
    {
        var list = new RunList();
        foreach (var status in _statuses.Values.OrderBy(s => s.SubmittedUnixMs).ThenBy(s => s.RunId, StringComparer.Ordinal))
        {
            var copy = status.Clone();
            copy.Workers = _workers.Count;
            list.Runs.Add(copy);
        }
        Sender.Tell(list);
    }

    private void OnGetWorkers()
    {
        var list = new WorkerList();
        foreach (var (worker, e) in _workers.OrderBy(w => w.Value.Node, StringComparer.Ordinal))
        {
            list.Workers.Add(new WorkerInfo
            {
                Node = e.Node, Kind = e.Kind, Path = worker.Path.ToString(), Capacity = e.Capacity, Held = _ledger.HeldCount(worker),
                ItemsDone = e.ItemsDone, Failures = e.Failures, MeanLatencyMs = e.ItemsDone > 0 ? e.TotalLatencyMs / e.ItemsDone : 0,
                CircuitEvaluations = e.CircuitEvaluations, Reachable = e.Reachable, Draining = e.Draining, ResultMessages = e.ResultMessages,
            });
        }
        Sender.Tell(list);
    }

    private void Track(IActorRef worker, string kind, string node, int capacity, bool acceptsBatches, bool queuesBeyondCapacity)
    {
        if (!_workers.TryGetValue(worker, out var entry))
        {
            _workers[worker] = new WorkerEntry(kind, node, capacity, acceptsBatches) { QueuesBeyondCapacity = queuesBeyondCapacity };
            Context.Watch(worker);
            _log.Info("worker {0} ({1}, {2} slots) joined", node, kind, capacity);
        }
        else if (!entry.Draining)
        {
            entry.Capacity = capacity;
            entry.AcceptsBatches = acceptsBatches;
            entry.QueuesBeyondCapacity = queuesBeyondCapacity;
        }
    }

    /// <summary>Drops what is kept to push a run's step inputs (its parameters), so finished runs cost no memory here.</summary>
    private void ForgetInputs(string runId)
    {
        _stepInputs.Remove(runId);
        foreach (var entry in _workers.Values)
            entry.InputsSent.Remove(runId);
    }

    /// <summary>
    /// One hand-out to one worker: to a worker that takes batches, one <see cref="WorkItemBatch"/> carrying the inputs
    /// of any step it has not been sent yet (it need not fetch them); to any other, one message per item.
    /// </summary>
    private void Send(IActorRef worker, WorkerEntry entry, List<WorkItem> items)
    {
        if (!entry.AcceptsBatches)
        {
            foreach (var item in items)
                worker.Tell(item);
            return;
        }
        var batch = new WorkItemBatch();
        batch.Items.AddRange(items);
        foreach (var item in items)
        {
            var (run, step) = (item.Id.RunId, item.Id.Step);
            if (entry.InputsSent.TryGetValue(run, out var sent) && sent == step)
                continue;
            if (!_stepInputs.TryGetValue(run, out var inputs) || inputs.Step != step)
                continue; // not known here (a packed step re-queued after a restart): the worker fetches them
            batch.Inputs.Add(inputs); // shared, never mutated (like the run actor's replies to fetches)
            entry.InputsSent[run] = step;
        }
        worker.Tell(batch);
    }

    /// <summary>
    /// After a result only its sender's slot is new: fill that one (O(1)) instead of walking every worker (O(workers)
    /// per item, which at hundreds of workers was a large share of the coordinator's time per item). Every other
    /// event that can free slots or add items (a new step, a re-queue, a request, a lost worker) walks them all.
    /// </summary>
    private void DispatchTo(IActorRef worker)
    {
        if (_ledger.QueuedCount == 0)
            return;
        if (!_workers.TryGetValue(worker, out var entry))
        {
            Dispatch();
            return;
        }
        var deadline = DateTime.UtcNow + _settings.ItemTimeout;
        List<WorkItem>? items = null;
        while (TakeNext(worker, entry, deadline) is { } item)
            (items ??= []).Add(item);
        if (items is not null)
            Send(worker, entry, items);
    }

    /// <summary>The next queued item this worker may take, if it is reachable and has a free slot (else null).</summary>
    private WorkItem? TakeNext(IActorRef worker, WorkerEntry entry, DateTime deadline) =>
        entry.Reachable && _ledger.HeldCount(worker) < HoldLimit(entry)
            ? _ledger.TakeFor(worker, deadline, i => Admits(i, worker, entry))
            : null;

    /// <summary>
    /// How many items a worker may hold: its announced capacity, except the only worker of the cluster when its
    /// executor queues whatever it is given (a simulator) and its items are quick: it takes a whole step at once, since
    /// there is no other worker to share with, and for a small model a refill after every wave was a round trip per
    /// two items (issue 13). Only while its recent items (queue wait included) take under
    /// <see cref="WholeStepsBelowMs"/>: long items gain nothing from it, and a step held whole must stay far inside
    /// the item timeout. A worker that joins later gets its share from the next step on.
    /// </summary>
    private int HoldLimit(WorkerEntry entry) =>
        _workers.Count == 1 && entry.QueuesBeyondCapacity && entry.Recent.ItemsDone > 0 && entry.Recent.MeanLatencyMs < WholeStepsBelowMs
            ? int.MaxValue
            : entry.Capacity;

    /// <summary>Items this quick cost less than the messages around them; at 50 ms the round trip is a thousandth.</summary>
    private const double WholeStepsBelowMs = 50;

    /// <summary>
    /// May this worker take this item? The run's --backend-policy decides which worker kinds may; for `cheapest` the
    /// worker must also be the cheapest measured one or the cheaper ones must not keep up (PriceAwareRouting).
    /// </summary>
    private bool Admits(WorkItem item, IActorRef worker, WorkerEntry entry)
    {
        if (!WorkerKinds.Accepts(item.BackendPolicy, entry.Kind))
            return false;
        if (item.BackendPolicy != CheapestPolicy)
            return true;
        return PriceAwareRouting.MayTake(Measure(worker, entry),
            _workers.Where(w => !w.Key.Equals(worker)).Select(w => Measure(w.Key, w.Value)), _ledger.QueuedCount);
    }

    private static readonly string CheapestPolicy = SpecNames.Of(BackendPolicy.Cheapest);

    private PriceAwareRouting.Measure Measure(IActorRef worker, WorkerEntry e) =>
        e.Recent.Of(e.Reachable && !e.Draining, e.Capacity, _ledger.HeldCount(worker));

    private void Dispatch()
    {
        var deadline = DateTime.UtcNow + _settings.ItemTimeout;
        var handOut = new Dictionary<IActorRef, List<WorkItem>>();
        bool progress = true;
        while (progress && _ledger.QueuedCount > 0)
        {
            progress = false;
            // Round-robin over workers with free slots so every worker gets a share of each step.
            foreach (var (worker, entry) in _workers)
            {
                if (TakeNext(worker, entry, deadline) is not { } item)
                    continue;
                if (!handOut.TryGetValue(worker, out var items))
                    handOut[worker] = items = [];
                items.Add(item);
                progress = true;
            }
        }
        foreach (var (worker, items) in handOut)
            Send(worker, _workers[worker], items);
    }

    private void CountResultMessage(IActorRef worker)
    {
        if (_workers.TryGetValue(worker, out var w))
            w.ResultMessages++;
    }

    /// <summary>
    /// Records the results of one message from a worker and forwards the new ones to their runs, one message per run
    /// (the caller refills the sender's slots afterwards).
    /// </summary>
    private void Accept(IEnumerable<WorkResult> results)
    {
        var accepted = results.Where(Record).ToList();
        foreach (var run in accepted.GroupBy(r => r.Id.RunId, StringComparer.Ordinal))
            Forward(run.Key, run.ToList()); // in arrival order within the run (GroupBy keeps it)
    }

    private void Forward(string runId, List<WorkResult> results)
    {
        var child = Context.Child(ChildName(runId));
        if (!child.IsNobody())
            child.Tell(new ItemDone(results));
    }

    /// <summary>Marks one result's item done and counts it for its worker; false for a late duplicate.</summary>
    private bool Record(WorkResult result)
    {
        var key = ItemKey.From(result.Id);
        if (!_ledger.Complete(key))
        {
            _duplicates++;
            return false; // late duplicate (re-queued item answered twice, or an old step): idempotent by id
        }
        _failures.Remove(key);
        if (_workers.TryGetValue(Sender, out var w))
        {
            w.ItemsDone++;
            w.TotalLatencyMs += result.ElapsedMs;
            w.TotalQpuCost += result.QpuCost;
            w.Recent.Record(result.ElapsedMs, result.QpuCost);
            w.CircuitEvaluations += result.CircuitEvaluations;
        }
        return true;
    }

    private void OnFailed(WorkFailed failed)
    {
        var key = ItemKey.From(failed.Id);
        if (!_ledger.IsOutstanding(key))
            return;
        var count = _failures[key] = _failures.GetValueOrDefault(key) + 1;
        if (_workers.TryGetValue(Sender, out var failedOn))
            failedOn.Failures++;
        if (failed.Permanent || count >= _settings.MaxAttempts)
        {
            _ledger.DropRun(key.RunId);
            var child = Context.Child(ChildName(key.RunId));
            if (!child.IsNobody())
                child.Tell(new ItemGaveUp(failed.Id, failed.Reason));
            return;
        }
        _ledger.Requeue(key);
        Dispatch();
    }

    private void OnTerminated(Terminated terminated)
    {
        if (_workers.Remove(terminated.ActorRef, out var entry))
        {
            var released = _ledger.ReleaseWorker(terminated.ActorRef);
            _ledger.ForgetWorker(terminated.ActorRef);
            _log.Warning("worker {0} is gone; re-queued {1} items", entry.Node, released.Count);
            Dispatch();
            return;
        }
        // A run actor stopped: its journal failed during recovery or a write (Akka stops a persistent actor then). This
        // is the run's back-off supervisor (like Akka's BackoffSupervisor, but the coordinator keeps answering for the
        // run meanwhile): the run shows waiting-for-journal and starts again after a doubling delay, until it recovers.
        var runId = _runs.Keys.FirstOrDefault(id => ChildName(id) == terminated.ActorRef.Path.Name);
        if (runId is not null)
        {
            _ledger.DropRun(runId);
            var failures = ++WaitFor(runId).Attempts;
            if (_statuses.TryGetValue(runId, out var status) && status.State != RunState.WaitingForJournal)
            {
                var waiting = status.Clone();
                waiting.State = RunState.WaitingForJournal;
                waiting.ItemsOutstanding = 0;
                if (waiting.Error.Length == 0)
                    waiting.Error = "the run's actor stopped (journal failure)";
                _statuses[runId] = waiting;
            }
            var delay = _settings.JournalRetryDelay(failures);
            _log.Warning("run {0} is waiting for the journal ({1}); attempt {2} in {3:0.0} s", runId,
                _statuses.TryGetValue(runId, out var s) ? s.Error : "", failures + 1, delay.TotalSeconds);
            Timers.StartSingleTimer("restart-" + runId, new RestartRun(runId), delay);
        }
    }

    private void SetReachability(Address address, bool reachable)
    {
        foreach (var (worker, entry) in _workers)
        {
            if (worker.Path.Address != address)
                continue;
            entry.Reachable = reachable;
            if (!reachable)
            {
                var released = _ledger.ReleaseWorker(worker);
                if (released.Count > 0)
                    _log.Warning("worker {0} is unreachable; re-queued {1} items", entry.Node, released.Count);
            }
        }
        Dispatch();
    }

    // Writing a new run's RunSubmitted failed: Akka stops the coordinator after this (its back-off supervisor starts it
    // again, recovering from the journal once it answers). The submitter learns why instead of waiting for an answer
    // that never comes (a client would call that the cluster unreachable); the run does not exist, and submitting it
    // again with the same id once the journal answers registers it.
    // The coordinator's own recovery (its run registry) failed: Akka stops it and the node's back-off supervisor starts it
    // again. One line instead of Akka's stack trace, and the failure on the node's event stream (CoordinatorJournalWatch),
    // where an embedded `train` and the management service learn why no submit is answered.
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        var failed = new CoordinatorJournalFailed("reading the coordinator's run registry from the journal failed: " + JournalError.Describe(reason),
            JournalError.IsDatabaseUnreachable(reason));
        _log.Warning("{0}; trying again with back-off", failed.Error);
        Context.System.EventStream.Publish(failed);
        JournalError.ClearPools();
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        var error = JournalError.Describe(cause);
        _log.Warning("writing event {0} to the journal failed: {1}", sequenceNr, error);
        if (@event is RunSubmitted submitted && _submitting.Remove(submitted.RunId, out var replyTo))
            replyTo.Tell(new RunAccepted { RunId = submitted.RunId, JournalError = error });
        JournalError.ClearPools();
    }
}
