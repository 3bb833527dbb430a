using System.Globalization;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// CPU time of this process's threads by thread name, from /proc/self/task (Linux; empty elsewhere): tells the scale
/// simulation how much of the coordinator's CPU is the JIT's background tiering (".NET Tiered Com...") rather than
/// the coordinator's own work. A thread that ends between two snapshots takes its time with it (thread-pool
/// threads do), so the shares are approximate; the process total is exact.
/// </summary>
internal static class ThreadCpu
{
    /// <summary>CPU milliseconds per live thread id, with the thread's name.</summary>
    public static Dictionary<int, (string Name, double Ms)> Snapshot()
    {
        var threads = new Dictionary<int, (string, double)>();
        const string tasks = "/proc/self/task";
        if (!Directory.Exists(tasks))
            return threads;
        double msPerTick = 1000.0 / 100; // USER_HZ is 100 on Linux
        foreach (var dir in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                // "tid (comm) state ppid ...": fields after the closing parenthesis; utime and stime are the 12th and 13th.
                var rest = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                double ms = (long.Parse(rest[11], CultureInfo.InvariantCulture) + long.Parse(rest[12], CultureInfo.InvariantCulture)) * msPerTick;
                var name = File.ReadAllText(Path.Combine(dir, "comm")).Trim();
                threads[int.Parse(Path.GetFileName(dir), CultureInfo.InvariantCulture)] = (name, ms);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
            {
                // the thread ended while we read it
            }
        }
        return threads;
    }

    /// <summary>CPU milliseconds spent between two snapshots by threads whose name starts with <paramref name="prefix"/>.</summary>
    public static double Between(Dictionary<int, (string Name, double Ms)> before, Dictionary<int, (string Name, double Ms)> after, string prefix) =>
        after.Where(t => t.Value.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Sum(t => t.Value.Ms - (before.TryGetValue(t.Key, out var b) && b.Name == t.Value.Name ? b.Ms : 0));

    /// <summary>Name prefix of the runtime's background tiered-compilation thread.</summary>
    public const string JitThread = ".NET Tiered Com";
}
