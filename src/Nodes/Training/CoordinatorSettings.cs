using Akka.Configuration;

namespace QD3PM.Nodes.Training;

/// <summary>Tunables of the training coordinator (HOCON section qd3pm.coordinator, see reference.conf).</summary>
public sealed record CoordinatorSettings
{
    /// <summary>An item not answered within this time goes back to the queue.</summary>
    public TimeSpan ItemTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>Snapshot a run every this many steps (events before the snapshot are deleted).</summary>
    public int SnapshotEvery { get; init; } = 100;

    /// <summary>
    /// Steps finishing within this time after a run's last journal write are written together as one event
    /// (<see cref="QD3PM.Protocol.Cluster.StepsCompleted"/>); zero writes every step at once.
    /// </summary>
    public TimeSpan JournalBatchWindow { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Parameters per work item for parameter-shift gradients (adjoint items take all parameters).</summary>
    public int ShiftBlockSize { get; init; } = 32;

    /// <summary>A run fails after an item failed this many times.</summary>
    public int MaxAttempts { get; init; } = 10;

    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>First delay before a run whose journal failed is started again; doubles per failure up to the maximum.</summary>
    public TimeSpan JournalRetryMin { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Longest delay between attempts: a run resumes at most this long after its journal is back.</summary>
    public TimeSpan JournalRetryMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Back-off before attempt <paramref name="failures"/> + 1 (failures >= 1).</summary>
    public TimeSpan JournalRetryDelay(int failures)
    {
        var delay = JournalRetryMin.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 20));
        return TimeSpan.FromMilliseconds(Math.Min(delay, JournalRetryMax.TotalMilliseconds));
    }

    public static CoordinatorSettings From(Config config)
    {
        var c = config.GetConfig("qd3pm.coordinator");
        if (c is null || c.IsEmpty)
            return new CoordinatorSettings();
        var d = new CoordinatorSettings();
        return new CoordinatorSettings
        {
            ItemTimeout = c.GetTimeSpan("item-timeout", d.ItemTimeout),
            SnapshotEvery = c.GetInt("snapshot-every", d.SnapshotEvery),
            JournalBatchWindow = c.GetTimeSpan("journal-batch-window", d.JournalBatchWindow),
            ShiftBlockSize = c.GetInt("shift-block-size", d.ShiftBlockSize),
            MaxAttempts = c.GetInt("max-attempts", d.MaxAttempts),
            TickInterval = c.GetTimeSpan("tick-interval", d.TickInterval),
            JournalRetryMin = c.GetTimeSpan("journal-retry-min", d.JournalRetryMin),
            JournalRetryMax = c.GetTimeSpan("journal-retry-max", d.JournalRetryMax),
        };
    }
}
