namespace QD3PM.Nodes.Training;

/// <summary>
/// Routing of `--backend-policy cheapest` items in a mixed pool: prefer the cheapest backend whose measured throughput
/// keeps up. Workers pull, so the rule decides whether a worker that asks may take such an item now. Each worker is
/// measured by the coordinator from its accepted results: price per item (the QPU cost its results billed; 0 for a
/// simulator) and throughput (capacity / mean item latency). A worker with no cheaper measured worker always may; a
/// pricier one only when the cheaper workers' backlog (queued items plus what they hold) would take them longer than
/// this worker needs for one item, i.e. when giving it the item finishes the step sooner. A worker with no results yet
/// may take items (that is how its price and speed are measured).
/// </summary>
public static class PriceAwareRouting
{
    /// <summary>Prices closer than this count as equal (sums of doubles).</summary>
    private const double PriceTolerance = 1e-12;

    /// <summary>What the coordinator has measured of one worker.</summary>
    public sealed record Measure(bool Live, int Capacity, int Held, long ItemsDone, double TotalLatencyMs, double TotalCost)
    {
        public bool Measured => ItemsDone > 0 && TotalLatencyMs > 0;
        public double PricePerItem => ItemsDone > 0 ? TotalCost / ItemsDone : 0;
        public double MeanLatencySeconds => ItemsDone > 0 ? TotalLatencyMs / ItemsDone / 1000.0 : 0;
        public double ItemsPerSecond => Measured ? Capacity / MeanLatencySeconds : 0;
    }

    /// <summary>May <paramref name="candidate"/> take an item now, with <paramref name="queued"/> items waiting?</summary>
    public static bool MayTake(Measure candidate, IEnumerable<Measure> others, int queued)
    {
        if (!candidate.Measured)
            return true;
        double cheaperRate = 0;
        long cheaperHeld = 0;
        foreach (var other in others)
        {
            if (!other.Live || !other.Measured || other.Capacity <= 0 || other.PricePerItem >= candidate.PricePerItem - PriceTolerance)
                continue;
            cheaperRate += other.ItemsPerSecond;
            cheaperHeld += other.Held;
        }
        if (cheaperRate <= 0)
            return true; // the cheapest measured worker (or the only one)
        return (queued + cheaperHeld) / cheaperRate > candidate.MeanLatencySeconds;
    }
}
