using QD3PM.Core.Training;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Seed.Training;

/// <summary>
/// `qd3pm train` without --cluster: the same coordinator and worker actors as a real cluster, in one process (a node
/// with every role, a private port, the SQLite journal under the run's output directory). Re-running with the same
/// output directory and spec resumes the run from its journal.
/// </summary>
public sealed class EmbeddedClusterRunner
{
    public const string RunId = "local";

    public static string JournalPath(string outDir) => Path.Combine(outDir, "journal.db");

    /// <summary>The run's QPU budget: submitted with a new run; for one the journal holds, a resume with it (set limits replace).</summary>
    public RunBudget? Budget { get; init; }

    public async Task<RunStatus> RunAsync(TrainingSpec spec, string outDir, Action<RunStatus>? progress, CancellationToken ct,
        ProblemCache? problems = null, bool includeParameters = false, IWorkItemExecutor? qpuWorker = null)
    {
        Directory.CreateDirectory(outDir);
        var executors = new Dictionary<string, Func<IServiceProvider, IWorkItemExecutor>>(NodeHost.DefaultExecutors);
        if (qpuWorker is not null)
            executors[NodeRoles.QpuProxy] = _ => qpuWorker;
        var options = new NodeOptions
        {
            Roles = qpuWorker is null ? [NodeRoles.Coordinator, NodeRoles.Simulator] : [NodeRoles.Coordinator, NodeRoles.Simulator, NodeRoles.QpuProxy],
            Port = 0,
            Journal = JournalTarget.Sqlite(JournalPath(outDir)),
            Problems = problems ?? StandInProblems.NewCache(),
            LogLevel = "ERROR",
        };
        NodeHost node;
        try
        {
            node = await NodeHost.StartAsync(options, executors: executors, cancellationToken: ct);
        }
        catch (JournalUnavailableException ex) when (ex.InnerException is { } cause && RunDirectory.Translate(cause, outDir) is { } full)
        {
            throw full;
        }
        catch (JournalUnavailableException ex)
        {
            throw new CliException(ex.Message, ExitCodes.Unreachable);
        }
        await using var _ = node;
        if (!await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30), ct))
            throw new CliException("the embedded cluster node did not start within 30 s", ExitCodes.Failed);

        var specJson = TrainingSpecJson.Serialize(spec);
        var accepted = await LocalRunDriver.SubmitAsync(node.Coordinator, RunId, specJson, ct, Budget);
        if (accepted.AlreadyExisted)
        {
            var existing = await LocalRunDriver.GetAsync(node.Coordinator, RunId, false, ct);
            if (TrainingSpecJson.Deserialize(existing.SpecJson) != spec)
                throw new CliException($"{outDir} already holds a run with a different spec; choose another output directory");
            if (Budget is not null)
                await LocalRunDriver.ResumeAsync(node.Coordinator, RunId, Budget, ct);
        }
        var final = await LocalRunDriver.FollowAsync(node.Coordinator, RunId, status =>
        {
            // A cluster waits for its journal to come back; a local journal on a full disk will not by itself.
            if (status.State == RunState.WaitingForJournal && RunDirectory.IsDiskFull(status.Error))
                throw new CliException($"no space left on the device of {outDir} (the journal is full at step {status.Step}; every earlier step is kept): free some space, then --resume {outDir}", ExitCodes.DiskFull);
            progress?.Invoke(status);
        }, ct, includeParameters: includeParameters);
        if (final.State == RunState.BudgetExhausted)
            throw QpuBudgetOptions.Exhausted(final, $"`qd3pm train --resume {outDir}`");
        if (final.State != RunState.Completed)
            throw new CliException($"training run {final.State.ToString().ToLowerInvariant()}: {final.Error}", ExitCodes.Failed);
        return final;
    }
}
