using QD3PM.Core.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;

namespace QD3PM.Seed.Training;

/// <summary>
/// Runs one spec to its end in this process through an <see cref="InProcessRunClient"/> (run id "local", the journal
/// under <c>outDir</c>): what benchmarks and tests use to get the embedded result of a spec. `qd3pm train` itself goes
/// through <see cref="IRunClient"/> and <see cref="RunFollower"/>.
/// </summary>
public sealed class EmbeddedClusterRunner
{
    public const string RunId = "local";

    /// <summary>The run's QPU budget: submitted with a new run; for one the journal holds, a resume with it (set limits replace).</summary>
    public RunBudget? Budget { get; init; }

    /// <param name="includeParameters">Every reported status carries the parameters of its step.</param>
    public async Task<RunStatus> RunAsync(TrainingSpec spec, string outDir, Action<RunStatus>? progress, CancellationToken ct,
        ProblemCache? problems = null, bool includeParameters = false, IWorkItemExecutor? qpuWorker = null)
    {
        await using var client = await InProcessRunClient.StartAsync(outDir, problems, qpuWorker, ct, Budget);
        var runId = await client.SubmitAsync(spec, RunId, ct);
        await foreach (var status in client.WatchAsync(runId, ct))
            progress?.Invoke(includeParameters ? await client.GetAsync(runId, true, ct) : status);
        var final = await client.GetAsync(runId, true, ct);
        if (final.State == RunState.BudgetExhausted)
            throw QpuBudgetOptions.Exhausted(final, $"`qd3pm train --resume {outDir}`");
        if (final.State != RunState.Completed)
            throw new CliException($"training run {final.State.ToString().ToLowerInvariant()}: {final.Error}", ExitCodes.Failed);
        return final;
    }
}
