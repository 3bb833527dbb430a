using QD3PM.Core.Circuits;
using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>A job inside the emulator (mutable; guarded by the emulator's lock).</summary>
internal sealed class EmulatedJob(string id, string key, string contentHash, int circuitCount, int shots)
{
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Id { get; } = id;
    public string Key { get; } = key;
    public string ContentHash { get; } = contentHash;
    public int CircuitCount { get; } = circuitCount;
    public int Shots { get; } = shots;

    /// <summary>Parsed circuits of the current attempt (null for a job loaded from the ledger and not resubmitted).</summary>
    public IReadOnlyList<Circuit>? Circuits { get; set; }

    public JobState State { get; set; } = JobState.Queued;
    public FailureKind Failure { get; set; }
    public string Message { get; set; } = "";
    public int Attempt { get; set; } = 1;
    public DateTime QueuedAt { get; set; } = DateTime.UtcNow;
    public DateTime? StartedAt { get; set; }
    public DateTime Deadline { get; set; } = DateTime.MaxValue;
    public double QueueMs { get; set; }
    public double RunMs { get; set; }
    public double Cost { get; set; }
    public string Client { get; set; } = "";
    /// <summary>Counts per circuit while held in memory (null once fetched or evicted: the ledger keeps them).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, int>>? Results { get; set; }

    /// <summary>Where the job sits in the emulator's list of terminal jobs still held in memory (null otherwise).</summary>
    public LinkedListNode<EmulatedJob>? Retained { get; set; }

    /// <summary>When the job last became terminal.</summary>
    public DateTime FinishedAt { get; set; }

    /// <summary>A job read back from the ledger (terminal: only terminal jobs leave memory).</summary>
    public static EmulatedJob FromLedger(LedgerJob row) => new(row.JobId, row.IdempotencyKey, row.ContentHash, row.Circuits, row.Shots)
    {
        State = row.State, Failure = row.Failure, Message = row.Message, Attempt = row.Attempt, QueueMs = row.QueueMs,
        RunMs = row.RunMs, Cost = row.Cost, Client = row.Client, Results = row.Results,
    };

    public bool IsTerminal => State is JobState.Done or JobState.Failed or JobState.Cancelled;

    /// <summary>Completes when the job changes next (watchers wait on it).</summary>
    public Task Changed => _changed.Task;

    public void Signal()
    {
        var old = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        old.TrySetResult();
    }

    public LedgerJob ToLedger() => new()
    {
        JobId = Id, IdempotencyKey = Key, ContentHash = ContentHash, Circuits = CircuitCount, Shots = Shots, State = State,
        Failure = Failure, Message = Message, Attempt = Attempt, QueueMs = QueueMs, RunMs = RunMs, Cost = Cost, Client = Client,
        Results = Results,
    };

    public JobEvent ToEvent(int queuePosition) => new()
    {
        JobId = Id, State = State, Failure = Failure, Message = Message, QueuePosition = queuePosition,
        QueueMs = State == JobState.Queued ? (DateTime.UtcNow - QueuedAt).TotalMilliseconds : QueueMs, RunMs = RunMs, Attempt = Attempt,
    };

    public Job ToJob()
    {
        var job = new Job
        {
            JobId = Id, IdempotencyKey = Key, State = State, Failure = Failure, Message = Message, Circuits = CircuitCount, Shots = Shots,
            QueueMs = QueueMs, RunMs = RunMs, Attempt = Attempt, Cost = Cost,
        };
        if (State == JobState.Done && Results is not null)
        {
            foreach (var counts in Results)
            {
                var c = new CircuitCounts();
                foreach (var (key, count) in counts) c.Counts[key] = count;
                job.Results.Add(c);
            }
        }
        return job;
    }
}
