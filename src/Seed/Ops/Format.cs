using System.Globalization;

namespace QD3PM.Seed.Ops;

/// <summary>Human formats of the ops tables.</summary>
public static class Format
{
    public static string Duration(double seconds)
    {
        if (seconds < 0 || double.IsNaN(seconds) || double.IsInfinity(seconds))
            return "-";
        var t = TimeSpan.FromSeconds(seconds);
        if (t.TotalDays >= 1) return $"{(int)t.TotalDays}d{t.Hours:00}h";
        if (t.TotalHours >= 1) return $"{(int)t.TotalHours}h{t.Minutes:00}m";
        if (t.TotalMinutes >= 1) return $"{(int)t.TotalMinutes}m{t.Seconds:00}s";
        return $"{t.TotalSeconds:0}s";
    }

    public static string Number(double value, string format = "0.###") =>
        double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    public static string Time(long unixMs) =>
        unixMs <= 0 ? "-" : DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture);

    /// <summary>"akka.tcp://qd3pm@127.0.0.1:4053" as "127.0.0.1:4053" for narrow tables.</summary>
    public static string Short(string address)
    {
        var at = address.IndexOf('@', StringComparison.Ordinal);
        return at >= 0 ? address[(at + 1)..] : address;
    }

    /// <summary>A run state as the CLI prints it: kebab-case ("running", "waiting-for-journal").</summary>
    public static string State(QD3PM.Protocol.Cluster.RunState state) =>
        string.Concat(state.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
