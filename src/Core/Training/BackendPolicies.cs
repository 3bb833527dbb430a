namespace QD3PM.Core.Training;

/// <summary>
/// Which workers may compute a run's items (`--backend-policy`): <c>sim-only</c> (simulator workers; the default, so
/// the determinism contract holds unless a run asks for a QPU), <c>mixed</c> (any worker; the pull model shares the
/// work by measured throughput) or <c>qpu-only</c> (QPU-proxy workers).
/// </summary>
public static class BackendPolicies
{
    public const string Mixed = "mixed";
    public const string SimOnly = "sim-only";
    public const string QpuOnly = "qpu-only";

    /// <summary>Worker kind of QPU-proxy workers (everything else is a simulator of some sort).</summary>
    public const string QpuKind = "qpu-proxy";

    public static readonly IReadOnlyList<string> All = [Mixed, SimOnly, QpuOnly];

    /// <summary>The policy of a spec that names none.</summary>
    public const string Default = SimOnly;

    /// <summary>The canonical name (null or empty: <see cref="Default"/>); <see cref="ArgumentException"/> for an unknown one.</summary>
    public static string Parse(string? policy)
    {
        if (string.IsNullOrWhiteSpace(policy)) return Default;
        var p = policy.Trim().ToLowerInvariant();
        return All.Contains(p) ? p : throw new ArgumentException($"unknown backend policy '{policy}' (expected: {string.Join(", ", All)})");
    }

    /// <summary>May a worker of <paramref name="workerKind"/> take an item of a run with <paramref name="policy"/>? Empty: sim-only.</summary>
    public static bool Accepts(string? policy, string workerKind) => policy?.ToLowerInvariant() switch
    {
        Mixed => true,
        QpuOnly => workerKind == QpuKind,
        _ => workerKind != QpuKind,
    };
}
