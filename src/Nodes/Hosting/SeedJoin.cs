using Akka.Actor;
using Akka.Cluster;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// Starts a node's one join through its seeds: the configured --seeds in their order (so Akka's first-seed rule is
/// unchanged), then the members <see cref="MembershipMemory"/> remembers, which Akka asks along with the other seeds
/// before a first seed forms a new cluster. Only the first call joins (the memory may be restarted; a fallback timer
/// joins with the configured seeds alone when the journal cannot be read).
/// </summary>
public sealed class SeedJoin(Cluster cluster, IReadOnlyList<Address> configured)
{
    private int _joined;

    /// <summary>Joins (first call only) and returns the seeds asked, or null when the node had already joined.</summary>
    public IReadOnlyList<Address>? Join(IEnumerable<Address> remembered)
    {
        if (Interlocked.Exchange(ref _joined, 1) == 1)
            return null;
        var self = cluster.SelfAddress;
        var seeds = configured.Concat(remembered.Where(a => !a.Equals(self) && !configured.Contains(a)).Distinct()).ToList();
        cluster.JoinSeedNodes(seeds);
        return seeds;
    }
}
