using System.Diagnostics;
using Akka.Actor;
using Akka.Event;
using QD3PM.Core.Training;
using QD3PM.Nodes.Telemetry;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Cluster;
using static QD3PM.Nodes.Workers.WorkerProtocol;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// A pulling worker: asks the coordinator (through the singleton proxy) for as many items as its executor can run,
/// runs them, sends each result back and asks again. Results are idempotent by item id at the coordinator, so a
/// result that arrives after its item was re-queued is simply ignored there. It takes items in batches
/// (<see cref="WorkItemBatch"/>) and sends the results of items that finish together as one
/// <see cref="WorkResultBatch"/> (remoting costs per message; a node's items start and finish in waves): when to send
/// is <see cref="ShouldFlush"/>, and no result waits longer than <see cref="DefaultFlushLinger"/>.
/// </summary>
public sealed class WorkerActor : ReceiveActor, IWithTimers
{
    private readonly IWorkItemExecutor _executor;
    private readonly ProblemCache _problems;
    private readonly IActorRef _coordinator;
    private readonly string _node;
    private readonly Dictionary<ItemKey, CancellationTokenSource> _inFlight = new();
    private readonly Queue<WorkItem> _prefetched = new();
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly StepInputCache _inputs = StepInputCache.For(Context.System);
    private readonly List<WorkResult> _unsent = new(); // finished, to go out at the next flush
    private readonly CompletionInbox _completions;
    private bool _draining;
    private IActorRef? _idleWatcher; // set by GracefulDrain: told WorkerIdle once the last in-flight item finished

    public WorkerActor(IWorkItemExecutor executor, ProblemCache problems, IActorRef coordinator, string node, TimeSpan pullInterval, TimeSpan flushLinger)
    {
        _executor = executor;
        _problems = problems;
        _coordinator = coordinator;
        _node = node;
        PullInterval = pullInterval;
        _flushLinger = flushLinger;
        _completions = new CompletionInbox(Self);

        Receive<WorkItem>(OnItem);
        Receive<WorkItemBatch>(batch =>
        {
            foreach (var inputs in batch.Inputs)
                _inputs.Put(inputs);
            foreach (var item in batch.Items)
                OnItem(item);
        });
        Receive<CollectFinished>(_ => OnFinished(_completions.Collect()));
        Receive<FlushResults>(_ => Flush());
        Receive<PullTick>(_ => AskForWork());
        Receive<WorkerRegistered>(_ => { });
        Receive<Drain>(_ =>
        {
            Flush(); // finished items count: only the unfinished ones go back
            _draining = true;
            var returned = new ReturnWork { Node = _node };
            returned.Ids.AddRange(_inFlight.Keys.Select(k => k.ToProto()));
            returned.Ids.AddRange(_prefetched.Select(i => i.Id));
            _prefetched.Clear();
            _coordinator.Tell(returned); // even when empty: tells the coordinator to send nothing more here
            foreach (var cts in _inFlight.Values)
                cts.Cancel();
            Sender.Tell(new Drained(returned.Ids.Count));
        });
        Receive<GracefulDrain>(_ =>
        {
            Flush();
            _draining = true;
            var returned = new ReturnWork { Node = _node };
            returned.Ids.AddRange(_prefetched.Select(i => i.Id));
            _prefetched.Clear();
            _coordinator.Tell(returned); // the coordinator marks this worker draining and sends nothing more
            _idleWatcher = Sender;
            Sender.Tell(new DrainProgress(_inFlight.Count, returned.Ids.Count));
            NotifyIfIdle();
        });
    }

    public ITimerScheduler Timers { get; set; } = null!;

    private TimeSpan PullInterval { get; }

    /// <summary>
    /// Items held beyond the executor's concurrency: the next item is already here when one finishes, so the
    /// round trip to the coordinator never leaves a core idle.
    /// </summary>
    private int Holding => HoldingFor(_executor.Capacity);

    /// <summary>Items a worker whose executor runs <paramref name="capacity"/> at once asks for (its announced capacity).</summary>
    public static int HoldingFor(int capacity) => capacity * 2;

    public static Props Props(IWorkItemExecutor executor, ProblemCache problems, IActorRef coordinator, string node, TimeSpan? pullInterval = null,
        TimeSpan? flushLinger = null) =>
        Akka.Actor.Props.Create(() => new WorkerActor(executor, problems, coordinator, node, pullInterval ?? TimeSpan.FromSeconds(1),
            flushLinger ?? DefaultFlushLinger));

    protected override void PreStart()
    {
        _coordinator.Tell(new RegisterWorker
        {
            Kind = _executor.Kind, Node = _node, Capacity = Holding, AcceptsBatches = true, QueuesBeyondCapacity = _executor.QueuesBeyondCapacity,
        });
        Timers.StartPeriodicTimer("pull", PullTick.Instance, PullInterval);
        AskForWork();
    }

    protected override void PostStop()
    {
        Flush();
        foreach (var cts in _inFlight.Values)
            cts.Cancel();
    }

    private void AskForWork()
    {
        if (_draining)
            return;
        _coordinator.Tell(new RequestWork
        {
            Kind = _executor.Kind, Node = _node, Capacity = Holding,
            FreeSlots = Math.Max(0, Holding - _inFlight.Count - _prefetched.Count), AcceptsBatches = true,
            QueuesBeyondCapacity = _executor.QueuesBeyondCapacity,
        });
    }

    private void OnItem(WorkItem item)
    {
        var key = ItemKey.From(item.Id);
        if (_draining)
        {
            // Not a failure of the item: hand it straight back (does not count towards the run's attempt limit).
            _coordinator.Tell(new ReturnWork { Ids = { item.Id }, Node = _node });
            return;
        }
        if (_inFlight.ContainsKey(key) || _prefetched.Any(i => ItemKey.From(i.Id) == key))
            return; // the coordinator re-sent an item we already hold: one result will do
        _prefetched.Enqueue(item);
        StartQueued();
    }

    /// <summary>Items given to the executor at once: everything held when it queues them itself, else what it runs.</summary>
    private int ExecutorShare => _executor.QueuesBeyondCapacity ? int.MaxValue : _executor.Capacity;

    private void StartQueued()
    {
        while (_inFlight.Count < ExecutorShare && _prefetched.TryDequeue(out var item))
            Start(item);
    }

    private void Start(WorkItem item)
    {
        var key = ItemKey.From(item.Id);
        var cts = new CancellationTokenSource();
        _inFlight[key] = cts;
        var completions = _completions;
        RunAsync(item, cts.Token).ContinueWith(t => completions.Post(t.Result), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Runs one item to a <see cref="Finished"/> (never throws); off the actor's thread after the first await.</summary>
    private async Task<Finished> RunAsync(WorkItem item, CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        try
        {
            var full = item.InputsByReference ? await WithInputsAsync(item).ConfigureAwait(false) : item;
            started = Stopwatch.GetTimestamp(); // the time in the executor, its queue included (not the wait for the step's inputs)
            var result = await _executor.ExecuteAsync(full, _problems.Get(full.SpecJson), cancellationToken).ConfigureAwait(false);
            return new Finished(item, result, null, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (Exception ex)
        {
            return new Finished(item, null, ex, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    /// <summary>
    /// A copy of <paramref name="item"/> with its step's spec and parameters, fetched from the coordinator once per step
    /// for this whole node (<see cref="StepInputCache"/>). Fails with <see cref="StaleWorkItemException"/> when the run
    /// has moved past the item's step.
    /// </summary>
    private async Task<WorkItem> WithInputsAsync(WorkItem item)
    {
        var coordinator = _coordinator;
        var fetch = new FetchStepInputs { RunId = item.Id.RunId, Step = item.Id.Step };
        var inputs = await _inputs.GetAsync(item.Id.RunId, item.Id.Step,
            () => coordinator.Ask<StepInputs>(fetch, InputsTimeout)).ConfigureAwait(false);
        if (!inputs.Available)
            throw new StaleWorkItemException($"run {item.Id.RunId} is no longer at step {item.Id.Step}");
        var full = item.Clone();
        full.InputsByReference = false;
        full.SpecJson = inputs.SpecJson;
        full.Parameters.AddRange(inputs.Parameters);
        return full;
    }

    /// <summary>
    /// Longest wait of a finished result for the rest of its wave. Items of one wave finish within the timer and
    /// scheduling jitter of each other (about a millisecond on an idle machine).
    /// </summary>
    public static readonly TimeSpan DefaultFlushLinger = TimeSpan.FromMilliseconds(2);

    private readonly TimeSpan _flushLinger;

    /// <summary>How long a worker waits for a step's inputs before the item counts as failed (and is re-queued).</summary>
    private static readonly TimeSpan InputsTimeout = TimeSpan.FromSeconds(20);

    private void OnFinished(List<Finished> finished)
    {
        bool withoutResult = false;
        foreach (var done in finished)
            withoutResult |= !Record(done);
        if (_unsent.Count > 0 && ShouldFlush())
            Flush();
        StartQueued();
        // A result frees its slot at the coordinator, which hands out the next item at once: asking again would be a
        // second message per item. Anything else (a failure, a dropped stale item) asks explicitly.
        if (withoutResult)
            AskForWork();
        NotifyIfIdle();
    }

    /// <summary>
    /// Send the results now? When nothing is left running (waiting gains nothing), or a wave is done (one result per
    /// executor thread) and what is left here is short of a full hold, so the freed slots are refilled while the rest
    /// runs. A worker holding more (the only worker, given a whole step) sends once it runs low, not after every wave:
    /// the coordinator has nothing to refill with until the step's last result is in.
    /// </summary>
    private bool ShouldFlush()
    {
        int left = _inFlight.Count + _prefetched.Count;
        return left == 0 || (_unsent.Count >= _executor.Capacity && left <= Holding - _executor.Capacity);
    }

    /// <summary>Records one finished item (its result to send, or its failure reported); false when it produced no result.</summary>
    private bool Record(Finished done)
    {
        var key = ItemKey.From(done.Item.Id);
        if (_inFlight.Remove(key, out var cts))
            cts.Dispose();
        if (done.Error is StaleWorkItemException)
            return false; // nobody waits for this item any more (its step is over): no result, no failure
        if (done.Result is { } r)
        {
            var result = new WorkResult
            {
                Id = done.Item.Id, Loss = r.Loss, CircuitEvaluations = r.CircuitEvaluations,
                Kind = _executor.Kind, Node = _node, ElapsedMs = done.ElapsedMs, QpuShots = r.QpuShots, QpuCost = r.QpuCost,
            };
            result.Gradient.AddRange(r.Gradient);
            if (_unsent.Count == 0)
                Task.Delay(_flushLinger).PipeTo(Self, success: () => FlushResults.Instance);
            _unsent.Add(result);
            var kind = new KeyValuePair<string, object?>("kind", _executor.Kind);
            NodeMetrics.ItemsDone.Add(1, kind);
            NodeMetrics.CircuitEvaluations.Add(r.CircuitEvaluations, kind);
            NodeMetrics.ItemLatency.Record(done.ElapsedMs / 1000.0, kind);
            return true;
        }
        if (_idleWatcher is not null)
        {
            // Gracefully draining: an item that failed here goes back to the queue for another worker.
            _coordinator.Tell(new ReturnWork { Ids = { done.Item.Id }, Node = _node });
        }
        else if (!_draining)
        {
            var error = done.Error!;
            NodeMetrics.ItemFailures.Add(1, new KeyValuePair<string, object?>("kind", _executor.Kind));
            bool permanent = error is InvalidSpecException or ArgumentException or FormatException or NotSupportedException or PermanentWorkException;
            _log.Warning("item {0} failed on {1}: {2}", key, _node, error.Message);
            _coordinator.Tell(new WorkFailed { Id = done.Item.Id, Reason = error.Message, Permanent = permanent, Node = _node });
        }
        return false;
    }

    /// <summary>Sends the finished results: one as itself, several as one batch.</summary>
    private void Flush()
    {
        if (_unsent.Count == 1)
        {
            _coordinator.Tell(_unsent[0]);
        }
        else if (_unsent.Count > 1)
        {
            var batch = new WorkResultBatch();
            batch.Results.AddRange(_unsent);
            _coordinator.Tell(batch);
        }
        _unsent.Clear();
    }

    private void NotifyIfIdle()
    {
        if (_idleWatcher is not null && _inFlight.Count == 0)
        {
            _idleWatcher.Tell(new WorkerIdle(_executor.Kind));
            _idleWatcher = null;
        }
    }
}
