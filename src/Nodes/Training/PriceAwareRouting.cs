namespace QD3PM.Nodes.Training;

/// <summary>
/// Routing of `--backend-policy cheapest` items in a mixed pool: prefer the cheapest backend whose measured throughput
/// keeps up. Workers pull, so the rule decides whether a worker that asks may take such an item now. Each worker is
/// measured by the coordinator from its accepted results, over its recent items (<see cref="RecentMeasure"/>, so a
/// backend that got slower or cheaper is re-ranked within a few items): price per item (the QPU cost its results
/// billed; 0 for a simulator) and throughput (capacity / mean item latency). A worker with no cheaper measured worker
/// always may; a pricier one only when the cheaper workers' backlog (queued items plus what they hold) would take them
/// longer than this worker needs for one item, i.e. when giving it the item finishes the step sooner. A worker with no
/// results yet may take items (that is how its price and speed are measured). Routing decides where items run, never
/// what they compute, so results stay bit-identical whatever it decides.
/// </summary>
public static class PriceAwareRouting
{
    /// <summary>Prices closer than this count as equal (sums of doubles).</summary>
    private const double PriceTolerance = 1e-12;

    /// <summary>What the coordinator has measured of one worker: its recent mean latency and price per item.</summary>
    public sealed record Measure(bool Live, int Capacity, int Held, long ItemsDone, double MeanLatencyMs, double PricePerItem)
    {
        public bool Measured => ItemsDone > 0 && MeanLatencyMs > 0;
        public double MeanLatencySeconds => MeanLatencyMs / 1000.0;
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
