using Akka.Configuration;

namespace QD3PM.Nodes.Hosting;

/// <summary>Tunables of qd3pm's own membership logic (HOCON section qd3pm.membership, see reference.conf).</summary>
public sealed record MembershipSettings
{
    /// <summary>Whether the leader downs unreachable members whose cluster port refuses connections.</summary>
    public bool DownCrashedMembers { get; init; } = true;

    /// <summary>How often the leader probes the ports of unreachable members.</summary>
    public TimeSpan CrashProbeInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Consecutive refused connections before a member is downed.</summary>
    public int CrashProbeRefusals { get; init; } = 2;

    /// <summary>How long a restarted coordinator node only asks the members it remembers before it may form a cluster.</summary>
    public TimeSpan RejoinPatience { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>A coordinator node that cannot read its membership memory this long joins with its configured seeds.</summary>
    public TimeSpan MemoryReadTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public static MembershipSettings From(Config config)
    {
        var c = config.GetConfig("qd3pm.membership");
        var d = new MembershipSettings();
        if (c is null || c.IsEmpty)
            return d;
        return new MembershipSettings
        {
            DownCrashedMembers = c.GetBoolean("down-crashed-members", d.DownCrashedMembers),
            CrashProbeInterval = c.GetTimeSpan("crash-probe-interval", d.CrashProbeInterval),
            CrashProbeRefusals = Math.Max(1, c.GetInt("crash-probe-refusals", d.CrashProbeRefusals)),
            RejoinPatience = c.GetTimeSpan("rejoin-patience", d.RejoinPatience),
            MemoryReadTimeout = c.GetTimeSpan("memory-read-timeout", d.MemoryReadTimeout),
        };
    }
}
