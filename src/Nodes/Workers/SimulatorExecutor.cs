using QD3PM.Core.Training;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Workers;

/// <summary>
/// Evaluates items with the problem's own (state-vector) simulator on the thread pool: one item per core by default,
/// so a simulator node keeps all its cores busy with independent samples/blocks.
/// </summary>
public sealed class SimulatorExecutor(int capacity = 0) : IWorkItemExecutor
{
    public string Kind => "simulator";

    public int Capacity { get; } = capacity > 0 ? capacity : Environment.ProcessorCount;

    public Task<SampleGradient> ExecuteAsync(WorkItem item, IGradientProblem problem, CancellationToken cancellationToken)
    {
        var parameters = item.Parameters.ToArray();
        var block = new ParameterRange(item.BlockStart, item.BlockEnd);
        var method = (GradientMethod)item.Method;
        return Task.Run(() => problem.Evaluate(parameters, item.Id.Step, item.Id.Sample, block, method), cancellationToken);
    }
}
