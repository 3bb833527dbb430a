using System.Threading.Channels;
using QD3PM.Protocol.Management;

namespace QD3PM.Nodes.Operations;

/// <summary>
/// The node's recent log lines (a fixed-size ring) plus live subscribers, for `qd3pm log tail`. One per process:
/// Akka creates its loggers by type name, so <see cref="RingBufferLogger"/> finds it through <see cref="Shared"/>.
/// </summary>
public sealed class LogRing(int capacity)
{
    public const int DefaultCapacity = 2000;

    private readonly LogEntry?[] _ring = new LogEntry?[capacity];
    private readonly List<ChannelWriter<LogEntry>> _subscribers = [];
    private readonly object _lock = new();
    private long _sequence;

    public static LogRing Shared { get; } = new(DefaultCapacity);

    public void Add(DateTime timestamp, string level, string source, string message)
    {
        lock (_lock)
        {
            var entry = new LogEntry
            {
                UnixMs = new DateTimeOffset(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc)).ToUnixTimeMilliseconds(),
                Level = level, Source = source, Message = message, Sequence = ++_sequence,
            };
            _ring[entry.Sequence % _ring.Length] = entry;
            foreach (var subscriber in _subscribers)
                subscriber.TryWrite(entry); // bounded channel, DropOldest: a slow client never blocks logging
        }
    }

    /// <summary>The last <paramref name="count"/> lines, oldest first.</summary>
    public IReadOnlyList<LogEntry> Last(int count)
    {
        lock (_lock)
        {
            var result = new List<LogEntry>();
            for (long s = Math.Max(1, _sequence - Math.Min(count, _ring.Length) + 1); s <= _sequence; s++)
            {
                if (_ring[s % _ring.Length] is { } e && e.Sequence == s)
                    result.Add(e);
            }
            return result;
        }
    }

    /// <summary>Lines logged from now on, until the returned subscription is disposed; plus the last lines before it.</summary>
    public (IReadOnlyList<LogEntry> Backlog, ChannelReader<LogEntry> Live, IDisposable Subscription) Subscribe(int backlog)
    {
        var channel = Channel.CreateBounded<LogEntry>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            _subscribers.Add(channel.Writer);
            return (Last(backlog), channel.Reader, new Unsubscribe(this, channel.Writer));
        }
    }

    private sealed class Unsubscribe(LogRing ring, ChannelWriter<LogEntry> writer) : IDisposable
    {
        public void Dispose()
        {
            lock (ring._lock)
                ring._subscribers.Remove(writer);
            writer.TryComplete();
        }
    }
}
