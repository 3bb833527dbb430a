namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>
/// What a QPU-proxy worker sent and waited for (thread-safe counters): jobs and circuits submitted, shots, retries,
/// jobs answered from the QPU's ledger instead of running again, and the time split of finished jobs: queue wait and
/// execution as the QPU reports them, the rest of the wall time as network and client overhead.
/// </summary>
public sealed class QpuStats
{
    private long _jobs, _circuits, _shots, _retries, _existing, _transientFailures;
    private long _queueUs, _runUs, _wallUs;
    private double _cost;
    private readonly object _costLock = new();
    private int _inFlight;
    private long _busyStartTicks;
    private long _busyTicks;

    public long Jobs => Interlocked.Read(ref _jobs);
    public long Circuits => Interlocked.Read(ref _circuits);
    public long Shots => Interlocked.Read(ref _shots);
    public long Retries => Interlocked.Read(ref _retries);
    public long ExistingJobs => Interlocked.Read(ref _existing);
    public long TransientFailures => Interlocked.Read(ref _transientFailures);
    public double QueueMs => Interlocked.Read(ref _queueUs) / 1000.0;
    public double RunMs => Interlocked.Read(ref _runUs) / 1000.0;
    public double WallMs => Interlocked.Read(ref _wallUs) / 1000.0;
    public double Cost { get { lock (_costLock) return _cost; } }

    internal void Finished(int circuits, int shots, double queueMs, double runMs, double wallMs, double cost)
    {
        Interlocked.Increment(ref _jobs);
        Interlocked.Add(ref _circuits, circuits);
        Interlocked.Add(ref _shots, (long)circuits * shots);
        Interlocked.Add(ref _queueUs, (long)(queueMs * 1000));
        Interlocked.Add(ref _runUs, (long)(runMs * 1000));
        Interlocked.Add(ref _wallUs, (long)(wallMs * 1000));
        lock (_costLock) _cost += cost;
    }

    /// <summary>Wall time during which at least one job of this proxy was in flight (the rest is spent elsewhere).</summary>
    public TimeSpan Busy
    {
        get
        {
            lock (_costLock)
                return TimeSpan.FromTicks(_busyTicks + (_inFlight > 0 ? System.Diagnostics.Stopwatch.GetTimestamp() - _busyStartTicks : 0)
                    * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency);
        }
    }

    internal void JobStarted()
    {
        lock (_costLock)
            if (_inFlight++ == 0) _busyStartTicks = System.Diagnostics.Stopwatch.GetTimestamp();
    }

    internal void JobEnded()
    {
        lock (_costLock)
            if (--_inFlight == 0) _busyTicks += (System.Diagnostics.Stopwatch.GetTimestamp() - _busyStartTicks) * TimeSpan.TicksPerSecond / System.Diagnostics.Stopwatch.Frequency;
    }

    internal void Retry() => Interlocked.Increment(ref _retries);
    internal void Existing() => Interlocked.Increment(ref _existing);
    internal void TransientFailure() => Interlocked.Increment(ref _transientFailures);
}
