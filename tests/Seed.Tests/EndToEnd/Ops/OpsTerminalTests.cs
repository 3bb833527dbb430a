using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;
using Xunit;

namespace QD3PM.Seed.Tests.EndToEnd.Ops;

/// <summary>Issue 7: `runs watch` and `top` render live in a real terminal (tmux pseudo-terminal) and end cleanly.</summary>
[Collection(ClusterCollection.Name)]
public sealed class OpsTerminalTests
{
    [Fact(Timeout = 120_000)]
    public async Task Runs_watch_and_top_render_in_a_pseudo_terminal()
    {
        Assert.True(Tmux.Available, "tmux is needed for the terminal tests (scripts/test.sh installs it)");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(110));
        using var cluster = new OpsCluster(workers: 1);
        using var tmux = new Tmux();
        try
        {
            await cluster.WaitUntilUpAsync();
            using var client = new GrpcRunClient(cluster.Node);
            var runId = await client.SubmitAsync(ClusterHarness.Spec(steps: 25, delayMs: 30), "tty-run", timeout.Token);
            var qd3pm = $"dotnet {RepoPaths.Qd3pmDll}";

            // top: the live dashboard redraws in place until Ctrl-C, then the command ends with exit 0.
            tmux.NewSession("top", $"{qd3pm} top --node {cluster.Node} --interval 0.5; echo TOP-EXIT=$?");
            var screen = await tmux.WaitForScreen("top", TimeSpan.FromSeconds(30), "qd3pm top", "cluster members", "tty-run", "workers", "circuits/s");
            Assert.Contains("simulator", screen);
            tmux.SendKeys("top", "C-c");
            await tmux.WaitForScreen("top", TimeSpan.FromSeconds(15), "TOP-EXIT=0");

            // runs watch: follows the run to its end, leaving the final view on screen.
            tmux.NewSession("watch", $"{qd3pm} runs watch {runId} --node {cluster.Node} --interval 0.3; echo WATCH-EXIT=$?");
            screen = await tmux.WaitForScreen("watch", TimeSpan.FromSeconds(60), "WATCH-EXIT=0");
            Assert.Contains("completed", screen);
            Assert.Contains("25 of 25", screen);
            Assert.Contains("items done", screen);
            Assert.DoesNotContain("error", screen, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + cluster.Describe());
        }
    }
}
