using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>Immutable identity of a work item (the protobuf WorkItemId is mutable, so never a dictionary key).</summary>
public readonly record struct ItemKey(string RunId, long Step, int Sample, int Block)
{
    public static ItemKey From(WorkItemId id) => new(id.RunId, id.Step, id.Sample, id.Block);

    public WorkItemId ToProto() => new() { RunId = RunId, Step = Step, Sample = Sample, Block = Block };

    public override string ToString() => $"{RunId}/{Step}/{Sample}/{Block}";
}
