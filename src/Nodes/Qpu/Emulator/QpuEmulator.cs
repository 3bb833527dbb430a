using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using QD3PM.Core.Circuits;
using QD3PM.Core.Qasm;
using QD3PM.Core.Simulation;
using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>
/// The emulated cloud QPU behind `qd3pm qpu serve`: a FIFO queue of jobs run one at a time on the Core noisy
/// simulator (exact density matrix up to 10 qubits, trajectories beyond), with a fixed queueing latency, a per-shot
/// execution time, seeded transient failures and a durable <see cref="QpuLedger"/>. Jobs are identified by their
/// idempotency key: a key already queued, running or done is never run again (see qpu.proto). Transport-free: the
/// gRPC service (<see cref="QpuEmulatorService"/>) maps its exceptions to status codes.
/// </summary>
public sealed class QpuEmulator : IDisposable
{
    private readonly QpuEmulatorOptions _options;
    private readonly QpuLedger _ledger;
    private readonly ILogger _log;
    private readonly object _lock = new();
    private readonly Dictionary<string, EmulatedJob> _byKey = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EmulatedJob> _byId = new(StringComparer.Ordinal);
    private readonly LinkedList<EmulatedJob> _queue = new();
    private readonly LinkedList<EmulatedJob> _retained = new(); // terminal jobs still in memory, oldest first
    private readonly SemaphoreSlim _queued = new(0);
    private readonly HashSet<string> _basis;
    private readonly Random _failures;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _nextId;

    public QpuEmulator(QpuEmulatorOptions options, ILogger? log = null)
    {
        options.Validate();
        _options = options;
        _log = log ?? NullLogger.Instance;
        _basis = new HashSet<string>(options.BasisGates, StringComparer.OrdinalIgnoreCase);
        _failures = new Random(unchecked((int)options.Seed));
        _ledger = new QpuLedger(options.LedgerPath);
        // Nothing is loaded: done jobs are looked up in the ledger by key or id when asked for, so memory does not grow
        // with the ledger. Jobs the previous process had queued or running did not run; their keys may be submitted again.
        int interrupted = _ledger.FailInterrupted("the QPU service restarted before the job ran; submit it again");
        if (interrupted > 0)
            _log.LogWarning("{Count} jobs were queued or running when the service stopped; they are failed (transient) and may be resubmitted", interrupted);
        _nextId = _ledger.JobCount();
        _loop = Task.Run(RunLoop);
    }

    public QpuEmulatorOptions Options => _options;

    /// <summary>Jobs held in memory now (queued, running and recently finished ones; the rest are only in the ledger).</summary>
    public int JobsInMemory
    {
        get { lock (_lock) return _byId.Count; }
    }

    public Backend Backend()
    {
        var backend = new Backend
        {
            Name = _options.Name, NumQubits = _options.Qubits, MaxShots = _options.MaxShots, MaxCircuitsPerJob = _options.MaxCircuitsPerJob,
            CostPerShot = _options.CostPerShot, CostPerJob = _options.CostPerJob, Version = "qd3pm-emulator/1",
        };
        backend.BasisGates.AddRange(_options.BasisGates);
        lock (_lock) backend.QueueDepth = _queue.Count;
        return backend;
    }

    /// <summary>Queues a job, or returns the job of a known key. <see cref="ArgumentException"/> for a request that can never run.</summary>
    public SubmitJobReply Submit(SubmitJobRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.IdempotencyKey))
            throw new ArgumentException("idempotency_key is required");
        if (request.Circuits.Count == 0)
            throw new ArgumentException("a job needs at least one circuit");
        if (request.Circuits.Count > _options.MaxCircuitsPerJob)
            throw new ArgumentException($"{request.Circuits.Count} circuits exceed the backend's limit of {_options.MaxCircuitsPerJob} per job");
        if (request.Shots < 1 || request.Shots > _options.MaxShots)
            throw new ArgumentException($"shots must be in 1..{_options.MaxShots}, not {request.Shots}");
        string hash = ContentHash(request);
        lock (_lock)
        {
            if (_byKey.TryGetValue(request.IdempotencyKey, out var known) || Remembered(_ledger.FindByKey(request.IdempotencyKey), out known))
            {
                if (known.ContentHash != hash)
                    throw new ArgumentException($"idempotency key '{request.IdempotencyKey}' was used before for other circuits or shots");
                bool retry = known.State == JobState.Cancelled || known is { State: JobState.Failed, Failure: FailureKind.Transient };
                if (retry)
                {
                    Release(known);
                    known.Circuits = Parse(request);
                    known.Attempt++;
                    known.Client = request.Client;
                    Queue(known, request.DeadlineUnixMs);
                    _log.LogInformation("job {Job} ({Key}) queued again, attempt {Attempt}", known.Id, known.Key, known.Attempt);
                }
                return new SubmitJobReply { JobId = known.Id, State = known.State, Existing = true, Attempt = known.Attempt };
            }
            var job = new EmulatedJob($"job-{++_nextId:D7}", request.IdempotencyKey, hash, request.Circuits.Count, request.Shots)
            {
                Circuits = Parse(request), Client = request.Client,
            };
            _byKey[job.Key] = job;
            _byId[job.Id] = job;
            Queue(job, request.DeadlineUnixMs);
            return new SubmitJobReply { JobId = job.Id, State = job.State, Existing = false, Attempt = job.Attempt };
        }
    }

    /// <summary>The job (with results once done); <see cref="KeyNotFoundException"/> for an unknown id.</summary>
    /// <remarks>Results leave memory once fetched; a later Get reads them from the ledger.</remarks>
    public Job Get(string jobId)
    {
        lock (_lock)
        {
            var job = Find(jobId);
            if (job.State == JobState.Done && job.Results is null)
                return EmulatedJob.FromLedger(_ledger.FindById(jobId)!).ToJob();
            var reply = job.ToJob();
            if (job.State == JobState.Done)
                job.Results = null;
            Sweep();
            return reply;
        }
    }

    public Job Cancel(string jobId)
    {
        lock (_lock)
        {
            var job = Find(jobId);
            if (job.State == JobState.Queued)
            {
                job.State = JobState.Cancelled;
                job.Message = "cancelled by the client";
                _queue.Remove(job);
                _ledger.Save(job.ToLedger());
                job.Signal();
                Retain(job);
            }
            return job.ToJob();
        }
    }

    /// <summary>The job's state now and after every change until it is terminal (refreshed every second while queued).</summary>
    public async IAsyncEnumerable<JobEvent> Watch(string jobId, [EnumeratorCancellation] CancellationToken ct)
    {
        while (true)
        {
            JobEvent e;
            Task changed;
            lock (_lock)
            {
                var job = Find(jobId);
                e = job.ToEvent(Position(job));
                changed = job.Changed;
            }
            yield return e;
            if (e.State is JobState.Done or JobState.Failed or JobState.Cancelled)
                yield break;
            try
            {
                await changed.WaitAsync(TimeSpan.FromSeconds(1), ct);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private EmulatedJob Find(string jobId)
    {
        if (_byId.TryGetValue(jobId, out var job)) return job;
        var row = _ledger.FindById(jobId) ?? throw new KeyNotFoundException($"no job with id '{jobId}'");
        var old = EmulatedJob.FromLedger(row);
        old.Results = null; // not kept: a Get reads them again
        return old;
    }

    /// <summary>A job that left memory, brought back because its key was submitted again (not held unless re-queued).</summary>
    private bool Remembered(LedgerJob? row, out EmulatedJob job)
    {
        job = row is null ? null! : EmulatedJob.FromLedger(row);
        if (row is null) return false;
        job.Results = null;
        _byKey[job.Key] = job;
        _byId[job.Id] = job;
        Retain(job);
        return true;
    }

    /// <summary>Holds a terminal job in memory for the retention time (watchers and fetches find it without the ledger).</summary>
    private void Retain(EmulatedJob job)
    {
        Release(job);
        job.FinishedAt = DateTime.UtcNow;
        job.Retained = _retained.AddLast(job);
        Sweep();
    }

    private void Release(EmulatedJob job)
    {
        if (job.Retained is null) return;
        _retained.Remove(job.Retained);
        job.Retained = null;
    }

    /// <summary>
    /// Drops terminal jobs older than the retention time, or beyond the most the emulator keeps: they stay in the ledger,
    /// which answers their keys and ids from then on.
    /// </summary>
    private void Sweep()
    {
        var cutoff = DateTime.UtcNow - _options.Retention;
        while (_retained.First is { } oldest && (_retained.Count > _options.MaxRetainedJobs || oldest.Value.FinishedAt < cutoff))
        {
            var job = oldest.Value;
            _retained.RemoveFirst();
            job.Retained = null;
            job.Results = null;
            _byKey.Remove(job.Key);
            _byId.Remove(job.Id);
        }
    }

    private int Position(EmulatedJob job)
    {
        int i = 0;
        foreach (var queued in _queue)
        {
            if (ReferenceEquals(queued, job)) return i;
            i++;
        }
        return 0;
    }

    private void Queue(EmulatedJob job, long deadlineUnixMs)
    {
        job.State = JobState.Queued;
        job.Failure = FailureKind.None;
        job.Message = "";
        job.QueuedAt = DateTime.UtcNow;
        job.StartedAt = null;
        job.Deadline = deadlineUnixMs > 0 ? DateTimeOffset.FromUnixTimeMilliseconds(deadlineUnixMs).UtcDateTime : DateTime.MaxValue;
        _queue.AddLast(job);
        _ledger.Save(job.ToLedger());
        job.Signal();
        _queued.Release();
    }

    private IReadOnlyList<Circuit> Parse(SubmitJobRequest request)
    {
        var options = new QasmImportOptions { MaxQubits = _options.Qubits };
        var circuits = new List<Circuit>(request.Circuits.Count);
        for (int i = 0; i < request.Circuits.Count; i++)
        {
            Circuit c;
            try
            {
                c = QasmImporter.Parse(request.Circuits[i], options);
            }
            catch (QasmException ex)
            {
                throw new ArgumentException($"circuit {i}: {ex.Message}", ex);
            }
            foreach (var op in c.Operations)
            {
                if (op.Kind is GateKind.Measure or GateKind.Barrier) continue;
                var name = BasisTranspiler.NativeName(op.Kind);
                if (!_basis.Contains(name))
                    throw new ArgumentException($"circuit {i}: gate {name} is not in the basis ({string.Join(", ", _options.BasisGates)}); transpile first");
            }
            circuits.Add(c);
        }
        return circuits;
    }

    private static string ContentHash(SubmitJobRequest request)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"shots={request.Shots}\n"));
        foreach (var c in request.Circuits)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(c));
            sha.AppendData("\0"u8);
        }
        return Convert.ToHexString(sha.GetHashAndReset());
    }

    private async Task RunLoop()
    {
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _queued.WaitAsync(ct);
                EmulatedJob? job;
                lock (_lock)
                {
                    job = _queue.First?.Value;
                    if (job is null) continue;
                }
                var wait = job.QueuedAt.AddMilliseconds(_options.QueueMs) - DateTime.UtcNow;
                if (wait > TimeSpan.Zero)
                    await Task.Delay(wait, ct);
                await RunOne(job, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                _log.LogError(ex, "QPU emulator loop");
            }
        }
    }

    private async Task RunOne(EmulatedJob job, CancellationToken ct)
    {
        IReadOnlyList<Circuit> circuits;
        bool inject;
        lock (_lock)
        {
            _queue.Remove(job);
            if (job.State != JobState.Queued || job.Circuits is null)
                return; // cancelled meanwhile
            job.QueueMs = (DateTime.UtcNow - job.QueuedAt).TotalMilliseconds;
            if (DateTime.UtcNow > job.Deadline)
            {
                Finish(job, JobState.Failed, FailureKind.Transient, "the job's deadline passed while it was queued");
                return;
            }
            job.State = JobState.Running;
            job.StartedAt = DateTime.UtcNow;
            circuits = job.Circuits;
            inject = _options.FailRate > 0 && _failures.NextDouble() < _options.FailRate;
            _ledger.Save(job.ToLedger());
            job.Signal();
        }
        var watch = Stopwatch.StartNew();
        if (inject)
        {
            await Task.Delay(5, ct);
            lock (_lock) Finish(job, JobState.Failed, FailureKind.Transient, "injected transient failure (backend recalibrating); nothing ran, nothing billed");
            return;
        }
        // Circuits of a job are independent: simulate them on all cores, each with its own seeded generator.
        var counts = new IReadOnlyDictionary<string, int>[circuits.Count];
        int seed = SeedFor(job);
        await Task.Run(() => Parallel.For(0, circuits.Count, new ParallelOptions { CancellationToken = ct },
            i => counts[i] = OutcomeSampler.Sample(circuits[i], _options.Noise, job.Shots, new Random(unchecked(seed + i * -1640531527)))), ct);
        var results = counts.ToList();
        // The emulated hardware time: shots x per-shot time, at least what the simulation took.
        var hardware = TimeSpan.FromMilliseconds(circuits.Count * (double)job.Shots * _options.ShotMicroseconds / 1000);
        var remaining = hardware - watch.Elapsed;
        if (remaining > TimeSpan.Zero)
            await Task.Delay(remaining, ct);
        lock (_lock)
        {
            job.RunMs = watch.Elapsed.TotalMilliseconds;
            job.Results = results;
            job.Cost = _options.CostPerJob + _options.CostPerShot * job.Shots * job.CircuitCount;
            job.State = JobState.Done;
            job.Failure = FailureKind.None;
            job.Message = "";
            job.Circuits = null;
            _ledger.RecordExecution(job.ToLedger());
            job.Signal();
            Retain(job);
        }
    }

    private void Finish(EmulatedJob job, JobState state, FailureKind failure, string message)
    {
        job.State = state;
        job.Failure = failure;
        job.Message = message;
        job.Circuits = null;
        _ledger.Save(job.ToLedger());
        job.Signal();
        Retain(job);
    }

    private int SeedFor(EmulatedJob job)
    {
        var h = SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Seed}/{job.Key}/{job.Attempt}"));
        return BitConverter.ToInt32(h, 0);
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _loop.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _ledger.Dispose();
        _stop.Dispose();
    }
}
