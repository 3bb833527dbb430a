using System.Diagnostics;
using QD3PM.Nodes.Telemetry;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>
/// The coordinator's bookkeeping of outstanding work items: a queue of items waiting for a worker, who holds which
/// item until when, and which items are finished. Pure (no actors) so its rules are unit-tested:
/// an item is outstanding from <see cref="Enqueue"/> until its first result (<see cref="Complete"/>); a second result
/// for it is a duplicate; items of a lost worker or past their deadline go back to the FRONT of the queue.
/// </summary>
public sealed class WorkLedger<TWorker> where TWorker : notnull
{
    private sealed class Entry(WorkItem item)
    {
        public WorkItem Item { get; } = item;
        public TWorker? Worker { get; set; }
        public bool Assigned { get; set; }
        public DateTime Deadline { get; set; }
        public bool Queued { get; set; }
        public long QueuedAt { get; set; } = Stopwatch.GetTimestamp();
    }

    private readonly Dictionary<ItemKey, Entry> _outstanding = new();
    private readonly LinkedList<ItemKey> _queue = new();
    private readonly Dictionary<TWorker, int> _held = new();

    public int OutstandingCount => _outstanding.Count;
    public int QueuedCount => _queue.Count;

    public bool IsOutstanding(ItemKey key) => _outstanding.ContainsKey(key);

    public void Enqueue(IEnumerable<WorkItem> items)
    {
        foreach (var item in items)
        {
            var key = ItemKey.From(item.Id);
            if (_outstanding.ContainsKey(key))
                continue; // already waiting or running: re-enqueueing the same step after recovery is harmless
            _outstanding[key] = new Entry(item) { Queued = true };
            _queue.AddLast(key);
        }
    }

    /// <summary>
    /// Takes the first waiting item that <paramref name="accept"/> allows (any when null; null when none) and records it
    /// as held by <paramref name="worker"/>. Items it skips keep their place in the queue.
    /// </summary>
    public WorkItem? TakeFor(TWorker worker, DateTime deadline, Func<WorkItem, bool>? accept = null)
    {
        var node = _queue.First;
        while (node is not null)
        {
            var next = node.Next;
            if (!_outstanding.TryGetValue(node.Value, out var entry) || !entry.Queued)
            {
                _queue.Remove(node);
                node = next;
                continue;
            }
            if (accept is not null && !accept(entry.Item))
            {
                node = next;
                continue;
            }
            _queue.Remove(node);
            entry.Queued = false;
            NodeMetrics.QueueWait.Record(Stopwatch.GetElapsedTime(entry.QueuedAt).TotalSeconds);
            entry.Assigned = true;
            entry.Worker = worker;
            _held[worker] = HeldCount(worker) + 1;
            entry.Deadline = deadline;
            entry.Item.Attempt += 1;
            entry.Item.DeadlineUnixMs = new DateTimeOffset(deadline).ToUnixTimeMilliseconds();
            return entry.Item.Clone();
        }
        return null;
    }

    /// <summary>First result for an outstanding item: true (and the item is done). Unknown or finished item: false.</summary>
    public bool Complete(ItemKey key)
    {
        if (!_outstanding.Remove(key, out var entry))
            return false;
        Unhold(entry);
        return true;
    }

    /// <summary>How many items <paramref name="worker"/> currently holds.</summary>
    public int HeldCount(TWorker worker) => _held.GetValueOrDefault(worker);

    public void ForgetWorker(TWorker worker) => _held.Remove(worker);

    private void Unhold(Entry entry)
    {
        if (!entry.Assigned || entry.Worker is null)
            return;
        var count = HeldCount(entry.Worker) - 1;
        if (count <= 0) _held.Remove(entry.Worker);
        else _held[entry.Worker] = count;
    }

    /// <summary>Puts an item back at the front of the queue (worker failure). False when it is not outstanding.</summary>
    public bool Requeue(ItemKey key)
    {
        if (!_outstanding.TryGetValue(key, out var entry) || entry.Queued)
            return false;
        Unhold(entry);
        entry.Assigned = false;
        entry.Worker = default;
        entry.Queued = true;
        entry.QueuedAt = Stopwatch.GetTimestamp();
        NodeMetrics.Retries.Add(1);
        _queue.AddFirst(key);
        return true;
    }

    /// <summary>Re-queues everything <paramref name="worker"/> holds (it died, left or became unreachable).</summary>
    public IReadOnlyList<ItemKey> ReleaseWorker(TWorker worker)
    {
        var keys = _outstanding.Where(kv => kv.Value.Assigned && EqualityComparer<TWorker>.Default.Equals(kv.Value.Worker!, worker))
            .Select(kv => kv.Key).OrderByDescending(k => k.Sample).ThenByDescending(k => k.Block).ToList();
        foreach (var key in keys)
            Requeue(key);
        return keys;
    }

    /// <summary>Re-queues every held item whose deadline is before <paramref name="now"/>.</summary>
    public IReadOnlyList<ItemKey> ReleaseExpired(DateTime now)
    {
        var keys = _outstanding.Where(kv => kv.Value.Assigned && kv.Value.Deadline < now).Select(kv => kv.Key).ToList();
        foreach (var key in keys)
            Requeue(key);
        return keys;
    }

    /// <summary>Forgets every item of a run (cancelled, paused or failed).</summary>
    public void DropRun(string runId)
    {
        foreach (var key in _outstanding.Keys.Where(k => k.RunId == runId).ToList())
            Complete(key);
    }
}
