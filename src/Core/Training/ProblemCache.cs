using System.Collections.Concurrent;

namespace QD3PM.Core.Training;

/// <summary>
/// The gradient problems of this process, built once per spec and shared: in an embedded run the command line, the
/// run actor and the workers all get the same instance. Keyed by the spec (record equality is the run's identity)
/// and by the JSON it arrived as, so a worker does not parse a spec per item. Keeps the most recently used few;
/// a spec that fails to build is not remembered (a data file may appear later).
/// </summary>
public sealed class ProblemCache(ProblemCatalog catalog, int capacity = 8)
{
    private readonly ConcurrentDictionary<TrainingSpec, Entry> _bySpec = new();
    private readonly ConcurrentDictionary<string, TrainingSpec> _byJson = new(StringComparer.Ordinal);
    private long _clock;

    private sealed class Entry(Lazy<IGradientProblem> problem)
    {
        public Lazy<IGradientProblem> Problem { get; } = problem;
        public long Used;
    }

    public ProblemCatalog Catalog { get; } = catalog;

    /// <summary>The problem of <paramref name="spec"/>; <see cref="InvalidSpecException"/> when it cannot be built.</summary>
    public IGradientProblem Get(TrainingSpec spec)
    {
        var entry = _bySpec.GetOrAdd(spec, s => new Entry(new Lazy<IGradientProblem>(() => Catalog.Build(s), LazyThreadSafetyMode.ExecutionAndPublication)));
        Interlocked.Exchange(ref entry.Used, Interlocked.Increment(ref _clock));
        try
        {
            var problem = entry.Problem.Value;
            Trim();
            return problem;
        }
        catch (InvalidSpecException)
        {
            _bySpec.TryRemove(new KeyValuePair<TrainingSpec, Entry>(spec, entry));
            throw;
        }
    }

    /// <summary>The problem of a spec in its JSON form (<see cref="TrainingSpecJson"/>).</summary>
    public IGradientProblem Get(string specJson) => Get(Parse(specJson));

    /// <summary>The spec of <paramref name="specJson"/>, parsed once per distinct text.</summary>
    public TrainingSpec Parse(string specJson)
    {
        if (_byJson.TryGetValue(specJson, out var spec))
            return spec;
        spec = TrainingSpecJson.Deserialize(specJson);
        if (_byJson.Count >= capacity * 4)
            _byJson.Clear();
        return _byJson.GetOrAdd(specJson, spec);
    }

    private void Trim()
    {
        if (_bySpec.Count <= capacity)
            return;
        foreach (var stale in _bySpec.OrderBy(kv => Interlocked.Read(ref kv.Value.Used)).Take(_bySpec.Count - capacity).ToList())
            _bySpec.TryRemove(stale);
    }
}
