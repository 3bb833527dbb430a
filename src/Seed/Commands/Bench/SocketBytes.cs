using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// TCP payload bytes a process has sent (acknowledged) plus received on its open sockets, from the kernel's TCP_INFO
/// as `ss -tinp` prints it: what really crossed the wire (Akka envelopes, heartbeats and gossip included), not an
/// estimate from message sizes. Linux only; NaN where `ss` is missing.
/// </summary>
internal static partial class SocketBytes
{
    public static double OfProcess(int pid)
    {
        string output;
        try
        {
            var info = new ProcessStartInfo("ss", "-tinpH") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var ss = Process.Start(info);
            if (ss is null)
                return double.NaN;
            output = ss.StandardOutput.ReadToEnd();
            ss.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return double.NaN;
        }
        return Sum(output, pid);
    }

    /// <summary>Sums bytes_acked + bytes_received over the sockets whose line names pid=<paramref name="pid"/>.</summary>
    internal static double Sum(string ssOutput, int pid)
    {
        double total = 0;
        bool ours = false;
        var marker = $"pid={pid},";
        foreach (var line in ssOutput.Split('\n'))
        {
            if (line.Contains("users:((", StringComparison.Ordinal))
            {
                ours = line.Contains(marker, StringComparison.Ordinal);
                continue;
            }
            if (!ours)
                continue;
            foreach (Match m in Counter().Matches(line))
                total += double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            ours = false;
        }
        return total;
    }

    [GeneratedRegex(@"\bbytes_(?:acked|received):(\d+)")]
    private static partial Regex Counter();
}
