using System.Text.RegularExpressions;
using Xunit;

namespace QD3PM.Nodes.Tests;

/// <summary>
/// The folders of QD3PM.Nodes depend on each other in one direction: Hosting composes everything and nothing uses it;
/// Configuration (what a node is) and Telemetry (the meter) are used by everything. The only allowed pair is Training
/// and Workers, the two ends of the coordinator-worker conversation (each sends the other's protocol messages).
/// </summary>
public sealed partial class FolderDependencyTests
{
    // The coordinator-worker pair counts as one node of the graph: a cycle through it and a third folder still fails.
    private static string Node(string folder) => folder is "Training" or "Workers" ? "Training+Workers" : folder;

    [Fact]
    public void Folders_of_Nodes_form_no_cycle_except_the_coordinator_worker_pair()
    {
        var graph = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var (from, tos) in Edges())
        {
            var set = graph.TryGetValue(Node(from), out var s) ? s : graph[Node(from)] = [];
            foreach (var to in tos)
                if (Node(to) != Node(from)) set.Add(Node(to));
        }
        Assert.True(graph.Count >= 6, "expected the Nodes folders, found " + string.Join(", ", graph.Keys));
        var cycles = graph.SelectMany(e => e.Value.Where(to => Reaches(graph, to, e.Key)).Select(to => $"{e.Key} -> {to}")).ToList();
        Assert.True(cycles.Count == 0, "folder cycles (an edge whose target reaches back to its source): " + string.Join(", ", cycles));
    }

    [Fact]
    public void Nothing_in_Nodes_uses_the_hosting_folder()
    {
        var users = Edges().Where(e => e.Value.Contains("Hosting")).Select(e => e.Key).ToList();
        Assert.Empty(users);
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> graph, string start, string target)
    {
        var seen = new HashSet<string> { start };
        var stack = new Stack<string>([start]);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            if (node == target) return true;
            foreach (var next in graph.GetValueOrDefault(node) ?? [])
                if (seen.Add(next)) stack.Push(next);
        }
        return false;
    }

    private static Dictionary<string, HashSet<string>> Edges()
    {
        var root = Path.Combine(RepoRoot(), "src", "Nodes");
        var edges = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var folder in Directory.GetDirectories(root).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")))
        {
            var uses = new HashSet<string>(StringComparer.Ordinal);
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root, folder!), "*.cs", SearchOption.AllDirectories))
                foreach (Match m in Reference().Matches(File.ReadAllText(file)))
                    if (m.Groups[1].Value != folder) uses.Add(m.Groups[1].Value);
            edges[folder!] = uses;
        }
        return edges;
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QD3PM.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("QD3PM.sln not found above " + AppContext.BaseDirectory);
    }

    // `using QD3PM.Nodes.X;` and fully qualified `QD3PM.Nodes.X.` references in code or cref.
    [GeneratedRegex(@"\bQD3PM\.Nodes\.([A-Z][A-Za-z]+)\b")]
    private static partial Regex Reference();
}
