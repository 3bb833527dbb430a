using System.Collections.Concurrent;
using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// Evaluates items with the problem's own (state-vector) simulator, one item per core by default, on dedicated
/// threads: CPU-bound items on the shared thread pool would starve Akka's dispatcher and remoting, delaying every
/// result and work request by however long an item runs.
/// </summary>
public sealed class SimulatorExecutor : IWorkItemExecutor, IDisposable
{
    private readonly BlockingCollection<Action> _queue = new();
    private readonly Thread[] _threads;

    public SimulatorExecutor(int capacity = 0)
    {
        Capacity = capacity > 0 ? capacity : Environment.ProcessorCount;
        _threads = new Thread[Capacity];
        for (int i = 0; i < _threads.Length; i++)
        {
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"qd3pm-simulator-{i}" };
            _threads[i].Start();
        }
    }

    public string Kind => WorkerKinds.Simulator;

    public int Capacity { get; }

    /// <summary>Items wait in <see cref="_queue"/> for one of the <see cref="Capacity"/> threads.</summary>
    public bool QueuesBeyondCapacity => true;

    public Task<SampleGradient> ExecuteAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken)
    {
        var parameters = item.Parameters.ToArray();
        var block = new ParameterRange(item.BlockStart, item.BlockEnd);
        var method = (GradientMethod)item.Method;
        // Continuations run here, on the simulator thread: the worker's is a few lines that tell its actor the result,
        // and a hop through the thread pool for each item was a large share of a small model's step (issue 13).
        var done = new TaskCompletionSource<SampleGradient>();
        _queue.Add(() =>
        {
            if (cancellationToken.IsCancellationRequested)
            {
                done.TrySetCanceled(cancellationToken);
                return;
            }
            try
            {
                done.TrySetResult(item.UnitEnd > item.UnitStart && problem is QD3PMProblem packed
                    ? UnitLayout.Evaluate(packed, parameters, item.Id.Step, new UnitRange(item.UnitStart, item.UnitEnd), method, ShotSchedule.At(problem.Spec, item.Id.Step))
                    : problem.Evaluate(parameters, item.Id.Step, item.Id.Sample, block, method));
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }, CancellationToken.None);
        return done.Task;
    }

    private void Loop()
    {
        foreach (var work in _queue.GetConsumingEnumerable())
            work();
    }

    public void Dispose() => _queue.CompleteAdding();
}
