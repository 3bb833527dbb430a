using QD3PM.Seed.Cli;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>Issue 7: wrong token, unreachable node, unknown run or member: one `error:` line and a non-zero exit.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OpsErrorTests
{
    [Fact(Timeout = 180_000)]
    public async Task Token_unreachable_node_and_unknown_names_are_one_error_line()
    {
        // Binding the management endpoint beyond loopback without a token is refused.
        using (var open = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "node", "--roles", "simulator", "--port", FreePort.Get().ToString(),
                   "--mgmt-port", FreePort.Get().ToString(), "--mgmt-host", "0.0.0.0"))
            CliAssert.OneErrorLine(open, "--token", 3);

        // Nothing listens there: a quick, clear failure.
        var started = DateTime.UtcNow;
        using (var nowhere = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "show", "--node", $"127.0.0.1:{FreePort.Get()}"))
            CliAssert.OneErrorLine(nowhere, "cannot reach the node", 3);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20));

        int port = FreePort.Get(), mgmt = FreePort.Get();
        var dir = Directory.CreateTempSubdirectory("qd3pm-ops-err-").FullName;
        using var node = Qd3pmProcess.Start("node", "node", "--roles", "coordinator,simulator", "--port", port.ToString(), "--seeds", $"127.0.0.1:{port}",
            "--journal", "sqlite:" + Path.Combine(dir, "journal.db"), "--mgmt-port", mgmt.ToString(), "--token", "right-token",
            "--hocon", RepoPaths.TestHocon);
        try
        {
            await node.WaitForOutputAsync("node up", TimeSpan.FromSeconds(40));
            var at = $"127.0.0.1:{mgmt}";
            using (var none = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "show", "--node", at))
                CliAssert.OneErrorLine(none, "refused", 4);
            using (var wrong = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "list", "--node", at, "--token", "wrong-token"))
                CliAssert.OneErrorLine(wrong, "refused", 4);
            using (var right = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "show", "--node", at, "--token", "right-token", "--json"))
                Assert.True(right.ExitCode == 0 && right.StandardOutput.Contains("\"coordinator\"", StringComparison.Ordinal), right.Describe());
            using (var unknown = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "show", "no-such-run", "--node", at, "--token", "right-token"))
                CliAssert.OneErrorLine(unknown, "no run with id 'no-such-run'", 2);
            using (var pause = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "pause", "no-such-run", "--node", at, "--token", "right-token"))
                CliAssert.OneErrorLine(pause, "no run with id 'no-such-run'", 2);
            using (var member = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "cluster", "down", "127.0.0.1:1", "--node", at, "--token", "right-token"))
                CliAssert.OneErrorLine(member, "no member at", 2);
            using (var coordinatorOnly = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "worker", "drain", "not-an-address", "--node", at, "--token", "right-token"))
                CliAssert.OneErrorLine(coordinatorOnly, "not a cluster address", 2);

            // `train --cluster` takes --token like every client command (issue 10.8): refused without, trained with it.
            string[] train = ["train", "--cluster", at, "--dataset", "bas:2x2", "--layers", "2", "--steps", "3", "--batch", "4",
                "--eval-every", "0", "--eval-samples", "50", "--out", Path.Combine(dir, "run")];
            using (var noToken = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), train))
                CliAssert.OneErrorLine(noToken, "refused", ExitCodes.TokenRefused);
            using (var trained = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(90), [.. train, "--token", "right-token"]))
                Assert.True(trained.ExitCode == 0, trained.Describe());
            using var list = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "list", "--node", at, "--token", "right-token", "--json");
            string completed = System.Text.Json.JsonDocument.Parse(list.StandardOutput).RootElement.GetProperty("runs").EnumerateArray().Single().GetProperty("runId").GetString()!;

            // Control of a run that has ended is an error with its own exit code, never a silent 0 (issue 10.6).
            foreach (var verb in new[] { "pause", "resume", "cancel" })
                using (var late = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", verb, completed, "--node", at, "--token", "right-token"))
                    CliAssert.OneErrorLine(late, $"is completed (step 3 of 3): there is nothing to {verb}", ExitCodes.RunFinished);
            // `runs watch` on a run that has stopped ends at once with one line: 0 for completed, 1 for cancelled.
            using (var watched = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "watch", completed, "--node", at, "--token", "right-token"))
            {
                Assert.True(watched.ExitCode == 0, watched.Describe());
                Assert.StartsWith($"run {completed} completed: step 3 of 3, loss ", watched.StandardOutput.Trim().Split('\n')[^1].Trim());
            }
            using var detached = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "train", "--cluster", at, "--token", "right-token", "--detach",
                "--dataset", "bas:2x2", "--layers", "2", "--steps", "100000", "--batch", "4", "--seed", "2");
            Assert.True(detached.ExitCode == 0, detached.Describe());
            string running = detached.StandardOutput.Trim().Split('\n')[^1].Trim();
            using (var cancel = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", "cancel", running, "--node", at, "--token", "right-token"))
                Assert.True(cancel.ExitCode == 0 && cancel.StandardOutput.Contains("cancelled", StringComparison.Ordinal), cancel.Describe());
            foreach (var verb in new[] { "resume", "cancel" })
                using (var again = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), "runs", verb, running, "--node", at, "--token", "right-token"))
                    CliAssert.OneErrorLine(again, "is cancelled", ExitCodes.RunFinished);
            foreach (var mode in new[] { Array.Empty<string>(), ["--json"] })
                using (var watched = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(30), ["runs", "watch", running, "--node", at, "--token", "right-token", .. mode]))
                    CliAssert.OneErrorLine(watched, $"run {running} cancelled at step ", ExitCodes.Failed);
        }
        finally
        {
            node.Dispose();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
