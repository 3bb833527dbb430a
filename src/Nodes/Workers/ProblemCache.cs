using System.Collections.Concurrent;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Protocol.Serialization;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// Gradient problems built from run specs, cached per (run, spec) so a worker builds a run's circuits once.
/// Keeps the few most recent runs only.
/// </summary>
public sealed class ProblemCache(GradientProblemFactory factory, int capacity = 4)
{
    private readonly ConcurrentDictionary<string, (string SpecJson, Lazy<IGradientProblem> Problem, long Used)> _entries = new();
    private long _clock;

    public IGradientProblem Get(string runId, string specJson)
    {
        var now = Interlocked.Increment(ref _clock);
        var entry = _entries.AddOrUpdate(runId,
            _ => (specJson, NewLazy(specJson), now),
            (_, old) => old.SpecJson == specJson ? old with { Used = now } : (specJson, NewLazy(specJson), now));
        if (_entries.Count > capacity)
        {
            foreach (var stale in _entries.OrderBy(kv => kv.Value.Used).Take(_entries.Count - capacity).ToList())
                _entries.TryRemove(stale.Key, out _);
        }
        return entry.Problem.Value;
    }

    private Lazy<IGradientProblem> NewLazy(string specJson) =>
        new(() => factory(TrainingSpecJson.Deserialize(specJson)), LazyThreadSafetyMode.ExecutionAndPublication);
}
