namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>
/// Per-run spending limits of one proxy. A job is charged once, by idempotency key, when it is first reserved — BEFORE
/// it is submitted — and an item whose jobs do not all fit is refused as a whole, so the limit is never exceeded.
/// </summary>
public sealed class QpuBudget(long? maxShots, double? maxCost)
{
    private readonly object _lock = new();
    private readonly Dictionary<string, (long Shots, double Cost, HashSet<string> Keys)> _runs = new(StringComparer.Ordinal);

    /// <summary>Reserves the jobs (key, shots, cost) not reserved before; null when they fit, else the refusal.</summary>
    public string? TryReserve(string runId, IReadOnlyList<(string Key, long Shots, double Cost)> jobs)
    {
        lock (_lock)
        {
            if (!_runs.TryGetValue(runId, out var run))
                run = (0, 0, new HashSet<string>(StringComparer.Ordinal));
            var fresh = jobs.Where(j => !run.Keys.Contains(j.Key)).ToList();
            long shots = run.Shots + fresh.Sum(j => j.Shots);
            double cost = run.Cost + fresh.Sum(j => j.Cost);
            if (maxShots is { } s && shots > s)
                return $"QPU shot budget of {s} for run {runId} would be exceeded: {run.Shots} spent, this item needs {shots - run.Shots} more";
            if (maxCost is { } c && cost > c + 1e-9)
                return $"QPU cost budget of {c} for run {runId} would be exceeded: {run.Cost:F2} spent, this item needs {cost - run.Cost:F2} more";
            foreach (var j in fresh) run.Keys.Add(j.Key);
            _runs[runId] = (shots, cost, run.Keys);
            return null;
        }
    }

    public long ShotsSpent(string runId)
    {
        lock (_lock) return _runs.TryGetValue(runId, out var run) ? run.Shots : 0;
    }
}
