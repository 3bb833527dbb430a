using System.Runtime.CompilerServices;
using QD3PM.Core.Training;
using QD3PM.Nodes.Configuration;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Training;

/// <summary>
/// The run client of `qd3pm train` without --cluster: the same coordinator and worker actors as a real cluster, in one
/// process (a node with every role, a private port, the SQLite journal under the run's output directory), asked
/// directly. Re-running with the same output directory and spec resumes the run from its journal.
/// </summary>
public sealed class InProcessRunClient : IRunClient
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private readonly NodeHost _node;
    private readonly string _outDir;
    private readonly RunBudget? _budget;

    private InProcessRunClient(NodeHost node, string outDir, RunBudget? budget)
    {
        _node = node;
        _outDir = outDir;
        _budget = budget;
    }

    public static string JournalPath(string outDir) => Path.Combine(outDir, "journal.db");

    public string Where => "this process";

    /// <summary>Starts the embedded node with its journal in <paramref name="outDir"/>.</summary>
    /// <param name="budget">The QPU budget runs are submitted with; a run the journal already holds is resumed with it (set limits replace).</param>
    public static async Task<InProcessRunClient> StartAsync(string outDir, ProblemCache? problems, IWorkItemExecutor? qpuWorker, CancellationToken ct,
        RunBudget? budget = null)
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
        if (!await node.WaitUntilUpAsync(TimeSpan.FromSeconds(30), ct))
        {
            await node.DisposeAsync();
            throw new CliException("the embedded cluster node did not start within 30 s", ExitCodes.Failed);
        }
        return new InProcessRunClient(node, outDir, budget);
    }

    /// <summary>Submits under <paramref name="runId"/>; a run already journaled under that id must have the same spec (it is resumed).</summary>
    public async Task<string> SubmitAsync(TrainingSpec spec, string? runId, CancellationToken ct)
    {
        runId ??= QD3PM.Nodes.Management.TrainingManagementService.NewRunId();
        var submit = LocalRunDriver.SubmitAsync(_node.Coordinator, runId, TrainingSpecJson.Serialize(spec), ct, _budget);
        // A coordinator that cannot read its registry answers no submit; waiting would not make the record readable.
        while (await Task.WhenAny(submit, Task.Delay(PollInterval, ct)) != submit)
        {
            ct.ThrowIfCancellationRequested();
            if (_node.CoordinatorJournal.DataError is { } error)
            {
                _ = submit.ContinueWith(t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
                throw RunDirectory.JournalUnusable(error, _outDir);
            }
        }
        var accepted = await submit;
        if (accepted.JournalError.Length > 0)
            throw RunDirectory.JournalWriteFailed(accepted.JournalError, _outDir);
        if (accepted.AlreadyExisted)
        {
            var existing = await GetAsync(runId, false, ct);
            if (TrainingSpecJson.Deserialize(existing.SpecJson) != spec)
                throw new CliException($"{_outDir} already holds a run with a different spec; choose another output directory");
            if (_budget is not null)
                await LocalRunDriver.ResumeAsync(_node.Coordinator, runId, _budget, ct);
        }
        return accepted.RunId;
    }

    public async Task<RunStatus> GetAsync(string runId, bool includeParameters, CancellationToken ct)
    {
        var status = await LocalRunDriver.GetAsync(_node.Coordinator, runId, includeParameters, ct);
        if (status.State == RunState.Unknown)
            throw new CliException($"no run with id '{runId}' in {Where}");
        return status;
    }

    public async Task<RunSteps> GetStepsAsync(string runId, long afterStep, int parametersEvery, CancellationToken ct)
    {
        var steps = await LocalRunDriver.GetStepsAsync(_node.Coordinator, runId, afterStep, parametersEvery, ct);
        if (!steps.Known)
            throw new CliException($"no run with id '{runId}' in {Where}");
        return steps;
    }

    public async IAsyncEnumerable<RunStatus> WatchAsync(string runId, [EnumeratorCancellation] CancellationToken ct)
    {
        await foreach (var status in LocalRunDriver.WatchAsync(_node.Coordinator, runId, PollInterval, includeParameters: false, ct))
        {
            if (status.State == RunState.Unknown)
                throw new CliException($"no run with id '{runId}' in {Where}");
            // A cluster waits for its journal to come back; a local journal on a full disk will not by itself.
            if (status.State == RunState.WaitingForJournal && RunDirectory.IsDiskFull(status.Error))
                throw new CliException($"no space left on the device of {_outDir} (the journal is full at step {status.Step}; every earlier step is kept): free some space, then --resume {_outDir}", ExitCodes.DiskFull);
            if (status.State == RunState.WaitingForJournal && status.JournalDataError)
                throw RunDirectory.JournalUnusable(status.Error, _outDir);
            yield return status;
        }
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
