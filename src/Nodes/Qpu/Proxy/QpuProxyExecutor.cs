using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Polly;
using QD3PM.Core.Circuits;
using QD3PM.Core.Qasm;
using QD3PM.Core.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>
/// Executes work items on a QPU over gRPC (docs/qpu.md). Per item: the problem's shot plan, transpiled to the
/// backend's basis and exported as OpenQASM 2.0; the unshifted circuits as one job keyed by (run, step, sample) —
/// shared by every parameter block of the sample, so the QPU's idempotency runs it once per step whichever worker
/// asks — and the shifted circuits in jobs of at most max_circuits_per_job, keyed by (run, step, sample, block, chunk).
/// Keys also carry a hash of the content, so a re-queued item (on any proxy) finds its jobs instead of running them
/// again. Transient failures and outages are retried with exponential backoff and the SAME key, indefinitely (the
/// run waits; the item is never reported failed for an outage); the per-run budget is checked before submitting.
/// </summary>
public sealed class QpuProxyExecutor : IWorkItemExecutor, IDisposable
{
    private readonly QpuProxyOptions _options;
    private readonly QpuClient _client;
    private readonly ResiliencePipeline _resilience;
    private readonly object _lock = new();
    private Backend? _backend;
    private bool _down;
    private DateTime _downSince;
    private DateTime _lastDownLog;

    public QpuProxyExecutor(QpuProxyOptions options)
    {
        _options = options;
        _client = new QpuClient(options);
        _resilience = QpuResilience.Create(options, OnTransient);
        Budget = new QpuBudget(options.BudgetShots, options.BudgetCost);
    }

    public string Kind => WorkerKinds.QpuProxy;

    public int Capacity => _options.Capacity;

    public QpuStats Stats { get; } = new();

    public QpuBudget Budget { get; }

    /// <remarks>Runs on the thread pool: the worker actor calls this on its own thread, and planning and exporting a few
    /// hundred circuits must not hold the actor (and its dispatcher) up.</remarks>
    public Task<SampleGradient> ExecuteAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken) =>
        Task.Run(() => ExecuteCoreAsync(item, problem, cancellationToken), cancellationToken);

    private async Task<SampleGradient> ExecuteCoreAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken)
    {
        if (problem is not IShotGradientProblem shotProblem)
            throw new NotSupportedException($"model '{problem.Spec.Model}' has no shot-based gradient and cannot run on a QPU");
        int shots = problem.Spec.Shots > 0 ? ShotSchedule.At(problem.Spec, item.Id.Step) : _options.DefaultShots;
        var backend = await BackendAsync(cancellationToken);
        if (shots > backend.MaxShots)
            throw new PermanentWorkException($"{shots} shots per circuit exceed the QPU's limit of {backend.MaxShots}");
        var method = (GradientMethod)item.Method;
        if (problem is QD3PMProblem model && (item.UnitEnd > item.UnitStart || method is GradientMethod.Spsa or GradientMethod.ShiftSubset))
            return await ExecuteUnitsAsync(item, model, method, shots, backend, cancellationToken);
        var block = new ParameterRange(item.BlockStart, item.BlockEnd);
        var plan = shotProblem.PlanShots(item.Parameters.ToArray(), item.Id.Step, item.Id.Sample, block);

        var export = new BackendQasm(backend);
        var baseQasm = plan.BaseCircuits.Select(export.Export).ToList();
        var shiftedQasm = plan.ShiftedCircuits.Select(export.Export).ToList();

        string prefix = $"{item.Id.RunId}/{item.Id.Step}/{item.Id.Sample}";
        int max = Math.Max(1, backend.MaxCircuitsPerJob);
        bool adaptive = problem.Spec.ShotPolicy == ShotPolicy.Adaptive;
        int firstRound = adaptive ? AdaptiveShots.PilotShots(shots) : shots;
        var jobs = new List<JobSpec>();
        foreach (var (chunk, i) in baseQasm.Chunk(max).Select((c, i) => (c, i)))
            jobs.Add(new JobSpec($"{prefix}/base/{i}-{Hash(chunk, shots)}", chunk, shots));
        string round = adaptive ? "p" : "u";
        foreach (var (chunk, i) in shiftedQasm.Chunk(max).Select((c, i) => (c, i)))
            jobs.Add(new JobSpec($"{prefix}/b{item.Id.Block}/{round}/{i}-{Hash(chunk, firstRound)}", chunk, firstRound));
        var outcomes = await RunJobsAsync(item.Id.RunId, jobs, backend, cancellationToken);
        var counts = outcomes.SelectMany(r => r.Counts).ToList();
        int baseJobs = baseQasm.Chunk(max).Count();
        // The base jobs are shared by every block of the sample: block 0's item owns (bills) them, so a step's items
        // count each job once whichever proxies ran them.
        var owned = item.Id.Block == 0 ? outcomes : outcomes.Skip(baseJobs).ToArray();
        var baseCounts = counts.Take(baseQasm.Count).ToList();
        var shiftedCounts = counts.Skip(baseQasm.Count).ToList();
        if (!adaptive)
            return Billed(shotProblem.EstimateFromCounts(plan, baseCounts, shiftedCounts), owned);

        // Adaptive: the pilot's counts estimate each pair's deviation; the remaining shots go where it is largest.
        var extra = AdaptiveShots.Allocate(shotProblem.PairDeviations(plan, baseCounts, shiftedCounts), shots, backend.MaxShots);
        var byShots = new SortedDictionary<int, List<int>>();
        for (int k = 0; k < plan.Pairs.Count; k++)
        {
            if (extra[k] <= 0) continue;
            if (!byShots.TryGetValue(extra[k], out var list)) byShots[extra[k]] = list = [];
            list.Add(plan.Pairs[k].Plus);
            list.Add(plan.Pairs[k].Minus);
        }
        var second = new List<JobSpec>();
        var order = new List<int>();
        foreach (var (extraShots, indices) in byShots)
        {
            foreach (var (chunk, i) in indices.Chunk(max).Select((c, i) => (c, i)))
            {
                var qasm = chunk.Select(c => shiftedQasm[c]).ToList();
                second.Add(new JobSpec($"{prefix}/b{item.Id.Block}/x{extraShots}/{i}-{Hash(qasm, extraShots)}", qasm, extraShots));
                order.AddRange(chunk);
            }
        }
        var secondOutcomes = await RunJobsAsync(item.Id.RunId, second, backend, cancellationToken);
        var more = secondOutcomes.SelectMany(r => r.Counts).ToList();
        var merged = shiftedCounts.ToArray();
        for (int j = 0; j < order.Count; j++)
            merged[order[j]] = ShotGradient.Merge(merged[order[j]], more[j]);
        var result = shotProblem.EstimateFromCounts(plan, baseCounts, merged);
        return Billed(result with { CircuitEvaluations = result.CircuitEvaluations + order.Count }, [.. owned, .. secondOutcomes]);
    }

    /// <summary>The item's result with the shots and cost of the jobs it owns (what the run's QPU budget adds up).</summary>
    private static SampleGradient Billed(SampleGradient result, IEnumerable<JobOutcome> owned)
    {
        long shots = 0;
        double cost = 0;
        foreach (var job in owned)
        {
            shots += job.Shots;
            cost += job.Cost;
        }
        return result with { QpuShots = shots, QpuCost = cost };
    }

    /// <summary>
    /// A unit range (a packed item, or one sample of SPSA / the subset shift): its circuits in as few jobs as the backend
    /// allows, keyed by (run, step, units, chunk, content hash) — the same whichever proxy runs the item, however often.
    /// </summary>
    private async Task<SampleGradient> ExecuteUnitsAsync(WorkItem item, QD3PMProblem problem, GradientMethod method, int shots, Backend backend,
        CancellationToken cancellationToken)
    {
        var units = item.UnitEnd > item.UnitStart ? new UnitRange(item.UnitStart, item.UnitEnd) : UnitLayout.OfSample(problem, method, item.Id.Sample);
        var plan = UnitLayout.Plan(problem, item.Parameters.ToArray(), item.Id.Step, units, method);
        var export = new BackendQasm(backend);
        var qasm = plan.Circuits.Select(export.Export).ToList();
        string prefix = $"{item.Id.RunId}/{item.Id.Step}/u{units.Start}-{units.End}";
        var jobs = qasm.Chunk(Math.Max(1, backend.MaxCircuitsPerJob))
            .Select((chunk, i) => new JobSpec($"{prefix}/{i}-{Hash(chunk, shots)}", chunk, shots)).ToList();
        var outcomes = await RunJobsAsync(item.Id.RunId, jobs, backend, cancellationToken);
        var frequencies = outcomes.SelectMany(r => r.Counts).Select(c => ShotGradient.Frequencies(c, plan.MeasuredBits)).ToList();
        return Billed(plan.Estimate(problem, frequencies, shots) with { Sample = item.Id.Sample }, outcomes);
    }

    private sealed record JobSpec(string Key, IReadOnlyList<string> Circuits, int Shots);

    /// <summary>A finished job: its counts per circuit, the shots it ran and what the QPU billed for it.</summary>
    private sealed record JobOutcome(IReadOnlyList<IReadOnlyDictionary<string, int>> Counts, long Shots, double Cost);

    /// <summary>Reserves the jobs in the run's budget (all or nothing, before submitting), then runs them concurrently.</summary>
    private async Task<JobOutcome[]> RunJobsAsync(string runId, IReadOnlyList<JobSpec> jobs, Backend backend,
        CancellationToken cancellationToken)
    {
        var refusal = Budget.TryReserve(runId,
            jobs.Select(j => (j.Key, (long)j.Circuits.Count * j.Shots, backend.CostPerJob + backend.CostPerShot * j.Shots * j.Circuits.Count)).ToList());
        if (refusal is not null)
        {
            _options.Log($"qpu-proxy: refused before submitting: {refusal}");
            throw new PermanentWorkException(refusal);
        }
        foreach (var _ in jobs) Stats.JobStarted();
        return await Task.WhenAll(jobs.Select(async j =>
        {
            try
            {
                return await RunJobAsync(j.Key, j.Circuits, j.Shots, cancellationToken);
            }
            finally
            {
                Stats.JobEnded();
            }
        }));
    }

    /// <summary>Submits (or re-attaches to) one job and returns its counts; the resilience pipeline retries everything transient.</summary>
    private Task<JobOutcome> RunJobAsync(string key, IReadOnlyList<string> circuits, int shots, CancellationToken ct)
    {
        var request = new SubmitJobRequest { IdempotencyKey = key, Shots = shots, Client = _options.Client };
        request.Circuits.AddRange(circuits);
        return Refusals(key, () => _resilience.RunAsync(async token => await AttemptJobAsync(request, token), ct));
    }

    /// <summary>One attempt: submit (same key every time), watch until terminal, fetch the counts.</summary>
    private async Task<JobOutcome> AttemptJobAsync(SubmitJobRequest request, CancellationToken ct)
    {
        var wall = Stopwatch.StartNew();
        request.DeadlineUnixMs = DateTimeOffset.UtcNow.Add(_options.JobDeadline).ToUnixTimeMilliseconds();
        var reply = await _client.SubmitAsync(request, ct);
        MarkUp();
        if (reply.Existing) Stats.Existing();
        JobEvent? last;
        do
        {
            last = await _client.WatchUntilTerminalAsync(reply.JobId, ct);
        }
        while (last is not null && !QpuClient.IsTerminal(last.State));
        if (last is null)
            throw new QpuTransientException($"job {reply.JobId}: the watch stream ended without an event");
        if (last.State == JobState.Failed && last.Failure == FailureKind.Permanent)
            throw new PermanentWorkException($"QPU job {reply.JobId} failed permanently: {last.Message}");
        if (last.State != JobState.Done)
            throw new QpuTransientException($"job {reply.JobId} {last.State.ToString().ToLowerInvariant()}: {last.Message}", jobFailed: true); // nothing ran
        var job = await _client.GetJobAsync(reply.JobId, ct);
        if (job.State != JobState.Done || job.Results.Count != request.Circuits.Count)
            throw new QpuTransientException($"job {reply.JobId} is {job.State} with {job.Results.Count} results for {request.Circuits.Count} circuits");
        Stats.Finished(request.Circuits.Count, request.Shots, job.QueueMs, job.RunMs, wall.Elapsed.TotalMilliseconds, job.Cost);
        var counts = job.Results.Select(r => (IReadOnlyDictionary<string, int>)new Dictionary<string, int>(r.Counts)).ToList();
        return new JobOutcome(counts, (long)request.Circuits.Count * request.Shots, job.Cost);
    }

    /// <summary>The backend description (cached), waiting out an outage like a job does.</summary>
    public async Task<Backend> BackendAsync(CancellationToken ct)
    {
        lock (_lock)
        {
            if (_backend is not null) return _backend;
        }
        var backend = await Refusals("(backend)", () => _resilience.RunAsync(async token =>
        {
            var b = await _client.GetBackendAsync(token);
            MarkUp();
            return b;
        }, ct));
        lock (_lock) _backend = backend;
        return backend;
    }

    /// <summary>Turns what the QPU refuses for good (credentials, a request it can never run) into a permanent item failure.</summary>
    private async Task<T> Refusals<T>(string key, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            throw new PermanentWorkException($"the QPU at {_options.Url} refused the credentials: {ex.Status.Detail}", ex);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.InvalidArgument or StatusCode.FailedPrecondition or StatusCode.Unimplemented
                                          or StatusCode.OutOfRange)
        {
            throw new PermanentWorkException($"the QPU at {_options.Url} refused job {key}: {ex.Status.Detail}", ex);
        }
    }

    /// <summary>Bookkeeping of one transient fault before the pipeline's delay: outage lines, statistics.</summary>
    private void OnTransient(Exception fault, TimeSpan delay)
    {
        Stats.Retry();
        switch (fault)
        {
            case RpcException rpc:
                MarkDown(rpc);
                break;
            case QpuTransientException { JobFailed: true }:
                Stats.TransientFailure();
                break;
            default:
                _options.Log($"qpu-proxy: {fault.Message}; retrying in {delay.TotalSeconds:0.0} s");
                break;
        }
    }

    private void MarkDown(RpcException ex)
    {
        lock (_lock)
        {
            var now = DateTime.UtcNow;
            if (!_down)
            {
                _down = true;
                _downSince = now;
                _lastDownLog = now;
                _options.Log($"qpu-proxy: QPU at {_options.Url} unavailable ({ex.StatusCode}: {ex.Status.Detail}); QPU work paused, " +
                             $"retrying with the same idempotency keys (backoff up to {_options.MaxBackoff.TotalSeconds:0.#} s)");
            }
            else if (now - _lastDownLog > TimeSpan.FromSeconds(10))
            {
                _lastDownLog = now;
                _options.Log($"qpu-proxy: QPU at {_options.Url} still unavailable after {(now - _downSince).TotalSeconds:0} s; QPU work paused");
            }
        }
    }

    private void MarkUp()
    {
        lock (_lock)
        {
            if (!_down) return;
            _down = false;
            _options.Log($"qpu-proxy: QPU at {_options.Url} reachable again after {(DateTime.UtcNow - _downSince).TotalSeconds:0.0} s; QPU work resumed");
        }
    }

    private static string Hash(IEnumerable<string> circuits, int shots)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes($"shots={shots}\n"));
        foreach (var c in circuits)
        {
            sha.AppendData(Encoding.UTF8.GetBytes(c));
            sha.AppendData("\0"u8);
        }
        return Convert.ToHexString(sha.GetHashAndReset(), 0, 8).ToLowerInvariant();
    }

    /// <summary>One line for logs and benchmarks: what was sent and where the time went.</summary>
    public string Summary()
    {
        var s = Stats;
        double network = Math.Max(0, s.WallMs - s.QueueMs - s.RunMs);
        return $"qpu-proxy: {s.Jobs} jobs, {s.Circuits} circuits, {s.Shots} shots, cost {s.Cost:F2}; {s.Retries} retries " +
               $"({s.TransientFailures} transient job failures), {s.ExistingJobs} answered by existing jobs; time in jobs: queue {s.QueueMs / 1000:F1} s, " +
               $"execution {s.RunMs / 1000:F1} s, network+client {network / 1000:F1} s";
    }

    public void Dispose()
    {
        if (Stats.Jobs > 0) _options.Log(Summary());
        _client.Dispose();
    }
}
