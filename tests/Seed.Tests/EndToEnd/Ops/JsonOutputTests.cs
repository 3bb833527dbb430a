using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>
/// Issue 13.6: every command with `--json` prints exactly one JSON document on stdout (streams: one per line) and
/// nothing else, whatever its nodes log; live commands end promptly on Ctrl-C. The list of invocations below must name
/// every `--json` command of the CLI, so a new one cannot go untested.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class JsonOutputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-json-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>Every command path (e.g. "runs show") that has a --json option, from the CLI's own command tree.</summary>
    private static SortedSet<string> JsonCommands()
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(Command command, string path)
        {
            if (command.Options.Any(o => o.Name == "--json"))
                found.Add(path.Trim());
            foreach (var sub in command.Subcommands)
                Walk(sub, path + " " + sub.Name);
        }
        Walk(QD3PM.Seed.Program.BuildRootCommand(), "");
        return found;
    }

    [Fact(Timeout = 600_000)]
    public async Task Every_json_command_prints_one_document_on_stdout_and_live_ones_end_promptly_on_Ctrl_C()
    {
        using var cluster = new OpsCluster(workers: 1, roles: "coordinator,simulator");
        await cluster.WaitUntilUpAsync();
        string node = cluster.Node;
        string run = Path.Combine(_dir, "run");
        using (var train = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(2), "train", "--cluster", node, "--dataset", "bas:2x2", "--layers", "2",
                   "--steps", "3", "--batch", "4", "--eval-every", "0", "--eval-samples", "50", "--out", run))
            Assert.True(train.ExitCode == 0, train.Describe());
        using var list = await cluster.CliAsync("runs", "list", "--json");
        string runId = JsonDocument.Parse(list.StandardOutput).RootElement.GetProperty("runs")[0].GetProperty("runId").GetString()!;
        string qasm = Path.Combine(_dir, "bell.qasm");
        File.WriteAllText(qasm, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[0];\ncx q[0],q[1];\n");
        string ledger = Path.Combine(_dir, "ledger.db");
        new QD3PM.Nodes.Qpu.Emulator.QpuLedger(ledger).Dispose(); // an empty ledger, as `qpu serve` creates it

        // One document each (exit code as noted: a documented error still prints nothing but JSON on stdout).
        var documents = new Dictionary<string, (string[] Args, int Exit)>
        {
            ["cluster show"] = (["cluster", "show", "--node", node], 0),
            ["cluster leader"] = (["cluster", "leader", "--node", node], 0),
            ["cluster join"] = (["cluster", "join", $"127.0.0.1:{cluster.CoordinatorPort}", "--node", node], 0),
            ["cluster down-unreachable"] = (["cluster", "down-unreachable", "--node", node], 0),
            ["actor hierarchy"] = (["actor", "hierarchy", "--node", node], 0),
            ["runs list"] = (["runs", "list", "--node", node], 0),
            ["runs show"] = (["runs", "show", runId, "--node", node], 0),
            ["evaluate"] = (["evaluate", "--model", Path.Combine(run, "model.json"), "--samples", "200"], 0),
            ["simulate"] = (["simulate", qasm, "--shots", "10"], 0),
            ["bench train"] = (["bench", "train", "--dataset", "bas:2x2", "--layers", "1", "--batch", "2", "--repeat", "1", "--methods", "adjoint"], 0),
            ["bench gates"] = (["bench", "gates", "--qubits", "4", "--repeat", "1"], 0),
            ["bench emulator"] = (["bench", "emulator", "--jobs", "1", "--circuits-per-job", "2", "--shots", "10"], 0),
            ["bench qpu"] = (["bench", "qpu", "--steps", "1", "--batch", "1", "--layers", "1", "--queue-ms", "1", "--fail-rate", "0"], 0),
            ["bench cluster"] = (["bench", "cluster", "--dataset", "bas:2x2", "--steps", "1", "--batch", "2", "--layers", "1", "--recovery-steps", "0", "--repeat", "1"], 0),
            ["qpu ledger"] = (["qpu", "ledger", "--ledger", ledger], 0),
        };
        // Streams: one object per line until the run ends, the lines run out or Ctrl-C.
        var streams = new Dictionary<string, string[]>
        {
            ["runs watch"] = ["runs", "watch", runId, "--node", node],
            ["log tail"] = ["log", "tail", "--no-follow", "--last", "20", "--node", node],
            ["top"] = ["top", "--iterations", "2", "--interval", "0.2", "--node", node],
        };
        // Commands that act on the cluster or a run: their JSON is checked on a path that changes nothing lasting.
        var acting = new Dictionary<string, (string[] Args, int Exit)>
        {
            ["runs pause"] = (["runs", "pause", runId, "--node", node], 10),
            ["runs resume"] = (["runs", "resume", runId, "--node", node], 10),
            ["runs cancel"] = (["runs", "cancel", runId, "--node", node], 10),
            ["cluster leave"] = (["cluster", "leave", "127.0.0.1:1", "--node", node], 2),
            ["cluster down"] = (["cluster", "down", "127.0.0.1:1", "--node", node], 2),
            ["worker drain"] = (["worker", "drain", "127.0.0.1:1", "--node", node], 2),
        };
        var live = new[] { "cluster tail" };

        var covered = new SortedSet<string>(documents.Keys.Concat(streams.Keys).Concat(acting.Keys).Concat(live), StringComparer.Ordinal);
        Assert.Equal(JsonCommands(), covered);

        foreach (var (name, (args, exit)) in documents)
        {
            using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(3), [.. args, "--json"]);
            Assert.True(p.ExitCode == exit, $"{name}: exit {p.ExitCode}\n{p.Describe()}");
            AssertOneDocument(name, p.StandardOutput);
        }
        foreach (var (name, (args, exit)) in acting)
        {
            using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), [.. args, "--json"]);
            Assert.True(p.ExitCode == exit, $"{name}: exit {p.ExitCode}\n{p.Describe()}");
            if (exit == 0)
                AssertOneDocument(name, p.StandardOutput);
            else
                Assert.True(p.StandardOutput.Trim().Length == 0, $"{name}: an error printed on stdout\n{p.Describe()}");
        }
        foreach (var (name, args) in streams)
        {
            using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), [.. args, "--json"]);
            Assert.True(p.ExitCode == 0, $"{name}: exit {p.ExitCode}\n{p.Describe()}");
            AssertJsonLines(name, p.StandardOutput);
        }

        // Live views end within 3 s of Ctrl-C or SIGTERM with exit 0, their output still JSON lines.
        foreach (var args in new[] { new[] { "cluster", "tail", "--node", node, "--json" }, ["top", "--interval", "1", "--node", node, "--json"] })
        {
            using var p = Qd3pmProcess.Start(args[0], args);
            await p.WaitForOutputAsync("{", TimeSpan.FromSeconds(30));
            var pressed = Stopwatch.StartNew();
            // SIGTERM, which ends a live view like Ctrl-C: a SIGINT is ignored by a process whose parent ignored it (a
            // test run started in the background by a non-interactive shell), and this test then waited 20 s in vain.
            p.Terminate();
            Assert.True(await p.WaitForExitAsync(TimeSpan.FromSeconds(20)), p.Describe());
            Assert.True(pressed.Elapsed < TimeSpan.FromSeconds(3), $"{args[0]} took {pressed.Elapsed.TotalSeconds:F1} s to end after Ctrl-C");
            Assert.True(p.ExitCode == 0, p.Describe());
            AssertJsonLines(string.Join(' ', args[..2]), p.StandardOutput);
        }
    }

    private static void AssertOneDocument(string name, string stdout)
    {
        try
        {
            using var doc = JsonDocument.Parse(stdout); // throws on anything before or after the one document
        }
        catch (JsonException ex)
        {
            throw new Xunit.Sdk.XunitException($"{name} --json: stdout is not one JSON document ({ex.Message}):\n{stdout}");
        }
    }

    private static void AssertJsonLines(string name, string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length > 0, $"{name} --json printed nothing");
        foreach (var line in lines)
            AssertOneDocument(name, line);
    }
}
