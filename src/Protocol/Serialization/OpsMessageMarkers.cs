using QD3PM.Protocol.Serialization;

// Attaches the cluster serializer marker to the generated classes of ops.proto (node-to-node operations messages).
namespace QD3PM.Protocol.Ops;

public sealed partial class IdentifyNode : IClusterMessage;
public sealed partial class NodeIdentity : IClusterMessage;
public sealed partial class DrainNode : IClusterMessage;
public sealed partial class DrainStarted : IClusterMessage;
