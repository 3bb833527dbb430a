using Akka.Actor;

namespace QD3PM.Nodes.Workers;

/// <summary>Akka's factory for <see cref="StepInputCache"/> (one per actor system).</summary>
public sealed class StepInputCacheProvider : ExtensionIdProvider<StepInputCache>
{
    public override StepInputCache CreateExtension(ExtendedActorSystem system) => new();
}
