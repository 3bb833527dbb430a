using System.Collections.Concurrent;
using Akka.Actor;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// The step inputs (spec JSON and start-of-step parameters) this node's workers have fetched, by (run, step): one
/// Akka extension per actor system, so all worker actors of a node share one fetch per step and the parameters cross
/// the wire once per step per node, not once per item. A fetch that fails or answers "not available" is forgotten,
/// so the next item asks again. Keeps the few most recent steps.
/// </summary>
public sealed class StepInputCache : IExtension
{
    /// <summary>Steps kept: the current one of a few concurrent runs plus the previous (late items).</summary>
    public const int Capacity = 16;

    private readonly ConcurrentDictionary<(string Run, long Step), Lazy<Task<StepInputs>>> _entries = new();
    private readonly ConcurrentQueue<(string Run, long Step)> _order = new();

    public static StepInputCache For(ActorSystem system) => system.WithExtension<StepInputCache, StepInputCacheProvider>();

    /// <summary>The inputs of (run, step): from the cache, or from <paramref name="fetch"/> (called once per key at a time).</summary>
    public Task<StepInputs> GetAsync(string run, long step, Func<Task<StepInputs>> fetch)
    {
        var key = (run, step);
        var entry = _entries.GetOrAdd(key, k =>
        {
            _order.Enqueue(k);
            return new Lazy<Task<StepInputs>>(() => FetchAndCheck(k, fetch), LazyThreadSafetyMode.ExecutionAndPublication);
        });
        Trim();
        return entry.Value;
    }

    /// <summary>Stores inputs the coordinator pushed with a hand-out; an entry already there (or being fetched) stays.</summary>
    public void Put(StepInputs inputs)
    {
        if (!inputs.Available)
            return;
        var key = (inputs.RunId, inputs.Step);
        if (_entries.TryAdd(key, new Lazy<Task<StepInputs>>(Task.FromResult(inputs))))
            _order.Enqueue(key);
        Trim();
    }

    public int Count => _entries.Count;

    private async Task<StepInputs> FetchAndCheck((string Run, long Step) key, Func<Task<StepInputs>> fetch)
    {
        try
        {
            var inputs = await fetch().ConfigureAwait(false);
            if (!inputs.Available || inputs.RunId != key.Run || inputs.Step != key.Step)
                _entries.TryRemove(key, out _);
            return inputs;
        }
        catch
        {
            _entries.TryRemove(key, out _);
            throw;
        }
    }

    private void Trim()
    {
        while (_entries.Count > Capacity && _order.TryDequeue(out var oldest))
            _entries.TryRemove(oldest, out _);
    }
}
