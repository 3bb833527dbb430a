using QD3PM.Core.Training;
using QD3PM.Nodes.Security;
using QD3PM.Nodes.Training;

namespace QD3PM.Nodes.Configuration;

/// <summary>Everything a node needs to start: identity, roles, seeds, journal and management endpoint.</summary>
public sealed record NodeOptions
{
    public const string SystemName = "qd3pm";

    public required IReadOnlyList<string> Roles { get; init; }
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>
    /// True for a node of its own (`qd3pm node`): SIGINT/SIGTERM stop its host. False (the default) for a node embedded
    /// in a command (`train`, the benchmarks, tests), which handles the signals itself and disposes the node: the host's
    /// console lifetime would otherwise stop the actor system on the signal thread under the command, which then waited
    /// on a stopped coordinator until its timeouts ran out (60 s, then an AskTimeoutException), or kept training while
    /// that shutdown ran and finished instead of stopping.
    /// </summary>
    public bool StopsOnSignals { get; init; }

    /// <summary>Akka remoting port (0: pick a free one, for embedded nodes).</summary>
    public int Port { get; init; } = 4053;

    /// <summary>Seed nodes as host:port; empty means "join yourself" (a one-node cluster).</summary>
    public IReadOnlyList<string> Seeds { get; init; } = [];

    /// <summary>Journal and snapshot store; required on coordinator nodes.</summary>
    public JournalTarget? Journal { get; init; }

    /// <summary>Management gRPC port; null: no management endpoint.</summary>
    public int? ManagementPort { get; init; }
    public string ManagementHost { get; init; } = "127.0.0.1";

    /// <summary>Bearer token every management call must carry; required when <see cref="ManagementHost"/> is not loopback.</summary>
    public string? ManagementToken { get; init; }

    /// <summary>Port of the Prometheus text endpoint (/metrics, on <see cref="ManagementHost"/>); null: none.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>
    /// TLS identity (--certs DIR): Akka remoting with mutual TLS against the cluster CA, gRPC endpoints over TLS.
    /// Required when <see cref="Host"/> or <see cref="ManagementHost"/> is not loopback.
    /// </summary>
    public ClusterCredentials? Certificates { get; init; }

    /// <summary>Extra HOCON files applied over the built-in configuration (deploy/hocon/*.conf).</summary>
    public IReadOnlyList<string> HoconFiles { get; init; } = [];

    /// <summary>Extra HOCON text applied last (tests, embedded mode).</summary>
    public string? HoconOverrides { get; init; }

    /// <summary>
    /// The gradient problems of this process (the run actors and the workers share them; every node of a cluster uses
    /// the same catalog). Default: the node catalog, <see cref="StandInProblems.Catalog"/>.
    /// </summary>
    public ProblemCache Problems { get; init; } = StandInProblems.NewCache();

    /// <summary>Akka log level: WARNING for nodes, ERROR under a progress bar.</summary>
    public string LogLevel { get; init; } = "WARNING";

    public bool Has(string role) => Roles.Contains(role);
}
