namespace QD3PM.Nodes.Training;

/// <summary>
/// One worker's recent latency and price per item, for <see cref="PriceAwareRouting"/>: exponentially weighted means over
/// its accepted items (the first item sets them). All-time means would let hours of fast items hide a backend that has
/// become slow (a QPU queue filling up, a simulator host under load) or one whose price changed.
/// </summary>
public sealed class RecentMeasure
{
    /// <summary>The newest item's share of the means: a change outweighs the past after about 7 items (0.9^7 &lt; 1/2), and
    /// one slow item moves them by a tenth, not all the way.</summary>
    public const double Weight = 0.1;

    public long ItemsDone { get; private set; }

    public double MeanLatencyMs { get; private set; }

    public double PricePerItem { get; private set; }

    public void Record(double latencyMs, double cost)
    {
        if (ItemsDone == 0)
        {
            MeanLatencyMs = latencyMs;
            PricePerItem = cost;
        }
        else
        {
            MeanLatencyMs += Weight * (latencyMs - MeanLatencyMs);
            PricePerItem += Weight * (cost - PricePerItem);
        }
        ItemsDone++;
    }

    public PriceAwareRouting.Measure Of(bool live, int capacity, int held) => new(live, capacity, held, ItemsDone, MeanLatencyMs, PricePerItem);
}
