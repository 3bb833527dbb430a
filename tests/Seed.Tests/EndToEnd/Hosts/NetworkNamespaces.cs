using System.Diagnostics;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// The `ip` commands of the test hosts, and the naming rule that makes them safe to clean up: every namespace a test
/// process creates is called qd3pm-t&lt;pid&gt;-&lt;name&gt;, so a later run can remove what a killed run left behind
/// (namespaces whose pid is dead) without touching anyone else's.
/// </summary>
public static class NetworkNamespaces
{
    public const string Prefix = "qd3pm-t";
    private static readonly Lazy<string?> Unavailable = new(Probe);

    /// <summary>Why namespaces cannot be created here (not root, no `ip`), or null when they can.</summary>
    public static string? WhyUnavailable => Unavailable.Value;

    /// <summary>The name for this process's namespace <paramref name="name"/>.</summary>
    public static string NameFor(string name) => $"{Prefix}{Environment.ProcessId}-{name}";

    /// <summary>Runs `ip ARGS`; throws with its stderr when it fails.</summary>
    public static string Ip(params string[] args)
    {
        var (code, output) = Run("ip", args);
        if (code != 0)
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed ({code}): {output}");
        return output;
    }

    /// <summary>
    /// Deletes a namespace after killing (SIGKILL, by pid) every process still inside it. Deleting the switch
    /// namespace also deletes its bridge and every veth pair (a veth dies with either end).
    /// </summary>
    public static void Remove(string netns)
    {
        var (_, pids) = Run("ip", ["netns", "pids", netns]);
        foreach (var line in pids.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (int.TryParse(line, out var pid))
            {
                try { using var p = Process.GetProcessById(pid); p.Kill(entireProcessTree: true); p.WaitForExit(10_000); }
                catch (ArgumentException) { } // already gone
                catch (InvalidOperationException) { }
            }
        }
        Run("ip", ["netns", "delete", netns]);
    }

    /// <summary>Removes namespaces of earlier test processes that died without cleaning up (their pid is gone).</summary>
    public static void SweepStale()
    {
        foreach (var netns in List())
        {
            var rest = netns[Prefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash <= 0 || !int.TryParse(rest[..dash], out var pid) || pid == Environment.ProcessId || Alive(pid))
                continue;
            Remove(netns);
        }
    }

    /// <summary>Namespaces named with <see cref="Prefix"/> (any test process).</summary>
    public static IReadOnlyList<string> List()
    {
        var (code, output) = Run("ip", ["netns", "list"]);
        if (code != 0)
            return [];
        // Lines look like "qd3pm-t42-h1 (id: 3)" or just the name.
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ')[0].Trim())
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .ToList();
    }

    private static bool Alive(int pid) => Directory.Exists($"/proc/{pid}");

    private static string? Probe()
    {
        if (!OperatingSystem.IsLinux())
            return "network namespaces need Linux";
        if (Environment.UserName != "root")
            return "network namespaces need root (the tests run as root in CI; run scripts/test.sh as root)";
        var probe = NameFor("probe");
        try
        {
            var (code, output) = Run("ip", ["netns", "add", probe]);
            if (code != 0)
                return $"cannot create a network namespace: ip netns add: {output.Trim()}";
            Run("ip", ["netns", "delete", probe]);
            return null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "the `ip` command (iproute2) is missing; scripts/test.sh installs it";
        }
    }

    private static (int Code, string Output) Run(string file, string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(true);
            return (-1, $"{file} timed out");
        }
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
