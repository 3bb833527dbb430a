using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Seed.Training;

/// <summary>
/// What `qd3pm train` needs from wherever its run lives: submit a run, watch its status, read its journaled steps
/// (loss of every step, parameters of some) and its final result. <see cref="InProcessRunClient"/> talks to the
/// coordinator of an embedded node in this process, <see cref="GrpcRunClient"/> to a cluster's management endpoint;
/// <see cref="RunFollower"/> turns either into metrics.csv rows, so `train` behaves the same in both.
/// </summary>
public interface IRunClient : IAsyncDisposable
{
    /// <summary>Where the runs live, for messages ("this process", "the cluster at HOST:PORT").</summary>
    string Where { get; }

    /// <summary>Submits a run (a new id when <paramref name="runId"/> is null) and returns its id.</summary>
    Task<string> SubmitAsync(TrainingSpec spec, string? runId, CancellationToken ct);

    /// <summary>A run's status; CliException when there is no such run.</summary>
    Task<RunStatus> GetAsync(string runId, bool includeParameters, CancellationToken ct);

    /// <summary>The run's journaled steps after <paramref name="afterStep"/> as far as it holds them (RunHistory), with
    /// the parameters of steps that are multiples of <paramref name="parametersEvery"/> and of the last step.</summary>
    Task<RunSteps> GetStepsAsync(string runId, long afterStep, int parametersEvery, CancellationToken ct);

    /// <summary>The run's status whenever it changes, ending after its final state (completed, failed or cancelled).</summary>
    IAsyncEnumerable<RunStatus> WatchAsync(string runId, CancellationToken ct);
}
