namespace QD3PM.Nodes.Management;

/// <summary>Key in Akka.Hosting's ActorRegistry for this node's proxy to the coordinator singleton.</summary>
public sealed class CoordinatorProxyKey;
