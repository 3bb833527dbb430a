namespace QD3PM.Seed.Cli;

/// <summary>Descriptions of the group verbs whose subcommands come from <see cref="ISubcommandFactory"/>.</summary>
public static class CommandGroups
{
    public static readonly IReadOnlyDictionary<string, string> Descriptions = new Dictionary<string, string>
    {
        ["bench"] = "Benchmarks that report speed as ratios measured in one run (JSON with --json).",
        ["cluster"] = "Cluster membership: show, leader, tail, join, leave, down.",
        ["runs"] = "Training runs on a cluster: list, show, watch, pause, resume, cancel.",
        ["worker"] = "Worker operations: drain.",
        ["actor"] = "Inspect a node's actors.",
        ["log"] = "A node's log.",
        ["qpu"] = "The emulated cloud QPU service.",
        ["certs"] = "TLS certificates for a cluster: create.",
    };

    public static string Describe(string name) =>
        Descriptions.TryGetValue(name, out var text) ? text : $"{name} commands.";
}
