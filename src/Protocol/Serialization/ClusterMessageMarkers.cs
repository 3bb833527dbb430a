using QD3PM.Protocol.Serialization;

// Partial declarations that attach the serializer marker to the generated protobuf classes of cluster.proto.
// A test walks every type implementing IClusterMessage and round-trips it through the bound serializer.
namespace QD3PM.Protocol.Cluster;

public sealed partial class WorkItemId : IClusterMessage;
public sealed partial class RegisterWorker : IClusterMessage;
public sealed partial class WorkerRegistered : IClusterMessage;
public sealed partial class RequestWork : IClusterMessage;
public sealed partial class WorkItem : IClusterMessage;
public sealed partial class WorkResult : IClusterMessage;
public sealed partial class WorkFailed : IClusterMessage;
public sealed partial class ReturnWork : IClusterMessage;
public sealed partial class WorkItemBatch : IClusterMessage;
public sealed partial class WorkResultBatch : IClusterMessage;
public sealed partial class FetchStepInputs : IClusterMessage;
public sealed partial class StepInputs : IClusterMessage;
public sealed partial class SubmitRun : IClusterMessage;
public sealed partial class RunAccepted : IClusterMessage;
public sealed partial class GetRun : IClusterMessage;
public sealed partial class GetRunSteps : IClusterMessage;
public sealed partial class RunSteps : IClusterMessage;
public sealed partial class StepPoint : IClusterMessage;
public sealed partial class ListRuns : IClusterMessage;
public sealed partial class RunStatus : IClusterMessage;
public sealed partial class RunList : IClusterMessage;
public sealed partial class ControlRun : IClusterMessage;
public sealed partial class RunSubmitted : IClusterMessage;
public sealed partial class RunRegistrySnapshot : IClusterMessage;
public sealed partial class StepCompleted : IClusterMessage;
public sealed partial class StepsCompleted : IClusterMessage;
public sealed partial class RunStateChanged : IClusterMessage;
public sealed partial class RunBudgetChanged : IClusterMessage;
public sealed partial class RunBudget : IClusterMessage;
public sealed partial class RunSnapshot : IClusterMessage;
public sealed partial class KnownMembers : IClusterMessage;
public sealed partial class GetWorkers : IClusterMessage;
public sealed partial class WorkerInfo : IClusterMessage;
public sealed partial class WorkerList : IClusterMessage;
public sealed partial class GetCoordinatorJournalState : IClusterMessage;
public sealed partial class CoordinatorJournalState : IClusterMessage;
