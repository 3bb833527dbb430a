using Akka.Actor;
using Akka.Cluster;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// Starts a coordinator node's one join. Akka's rule for seeds: a node first in its own seed list asks the other seeds
/// for seed-node-timeout and then forms a new cluster; any other node keeps asking until one lets it in. A restarted
/// coordinator (itself first in --seeds, the workers listing only it) would form a second cluster whenever the workers'
/// answers come late: their link to its previous incarnation stays gated for a few seconds after the crash. So when
/// <see cref="MembershipMemory"/> remembers other members, the node first only asks them and the configured seeds,
/// never forming a cluster; only after rejoin-patience without a welcome (everyone it knew is gone, e.g. the whole
/// cluster restarted) does it join as Akka would, itself first. Only the first call joins (the memory may restart; a
/// fallback timer joins with the configured seeds alone when the journal cannot be read).
/// </summary>
public sealed class SeedJoin(Cluster cluster, IReadOnlyList<Address> configured, TimeSpan rejoinPatience)
{
    private int _joined;

    /// <summary>Joins (first call only) and returns the seeds asked first, or null when the node had already joined.</summary>
    public IReadOnlyList<Address>? Join(IEnumerable<Address> remembered)
    {
        if (Interlocked.Exchange(ref _joined, 1) == 1)
            return null;
        var self = cluster.SelfAddress;
        var others = remembered.Where(a => !a.Equals(self) && !configured.Contains(a)).Distinct().ToList();
        var akkaOrder = configured.Concat(others).ToList();
        if (others.Count == 0 || configured.Count == 0 || !configured[0].Equals(self))
        {
            // Nothing remembered, or not a first seed (Akka never forms a cluster from here): Akka's rule as it is.
            cluster.JoinSeedNodes(akkaOrder);
            return akkaOrder;
        }
        var askOnly = others.Concat(configured.Where(a => !a.Equals(self))).ToList();
        cluster.JoinSeedNodes(askOnly);
        cluster.System.Scheduler.Advanced.ScheduleOnce(rejoinPatience, () =>
        {
            if (cluster.SelfMember.Status == MemberStatus.Removed) // never welcomed: nobody it remembers is running
                cluster.JoinSeedNodes(akkaOrder);
        });
        return askOnly;
    }
}
