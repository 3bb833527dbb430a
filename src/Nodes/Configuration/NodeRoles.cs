using QD3PM.Nodes.Workers;

namespace QD3PM.Nodes.Configuration;

/// <summary>Cluster roles (kebab-case, as they appear in HOCON and on the command line).</summary>
public static class NodeRoles
{
    /// <summary>Hosts the training coordinator singleton (and its journal connection).</summary>
    public const string Coordinator = "coordinator";

    /// <summary>Runs gradient work items on the local state-vector simulator, using all cores.</summary>
    public const string Simulator = WorkerKinds.Simulator;

    /// <summary>Runs gradient work items on a (possibly emulated) cloud QPU over gRPC.</summary>
    public const string QpuProxy = WorkerKinds.QpuProxy;

    public static readonly IReadOnlyList<string> All = [Coordinator, Simulator, QpuProxy];

    /// <summary>Parses "coordinator,simulator"; throws <see cref="ArgumentException"/> naming an unknown role.</summary>
    public static IReadOnlyList<string> Parse(string list)
    {
        var roles = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(r => r.ToLowerInvariant()).Distinct().ToArray();
        if (roles.Length == 0)
            throw new ArgumentException("no roles given (expected a comma-separated subset of: " + string.Join(", ", All) + ")");
        foreach (var role in roles)
        {
            if (!All.Contains(role))
                throw new ArgumentException($"unknown role '{role}' (expected: {string.Join(", ", All)})");
        }
        return roles;
    }
}
