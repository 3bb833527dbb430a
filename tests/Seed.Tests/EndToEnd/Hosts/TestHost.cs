namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// One machine of <see cref="TestHosts"/>: a network namespace whose eth0 (address <see cref="Address"/>) is cabled to
/// port <see cref="SwitchPort"/> of the private bridge. Pulling that cable (the port down) partitions the host.
/// </summary>
public sealed record TestHost(string Name, string Netns, string Address, string SwitchPort)
{
    /// <summary>The Akka remoting port every node uses (each host has its own ports).</summary>
    public const int ClusterPort = 4053;

    /// <summary>The management port of coordinator nodes, bound to the host's own loopback.</summary>
    public const int ManagementPort = 4080;

    public string ClusterAddress => $"{Address}:{ClusterPort}";

    public override string ToString() => $"{Name} ({Address})";
}
