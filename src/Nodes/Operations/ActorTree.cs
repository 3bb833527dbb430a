using Akka.Actor;
using Akka.Actor.Internal;
using QD3PM.Protocol.Management;

namespace QD3PM.Nodes.Operations;

/// <summary>
/// This node's actor tree, read from the actor cells (children containers are immutable snapshots, so reading them
/// from another thread is safe): /user and /system depth-first, children by name.
/// </summary>
public static class ActorTree
{
    public static ActorHierarchy Walk(ActorSystem system, int maxDepth)
    {
        var extended = (ExtendedActorSystem)system;
        var result = new ActorHierarchy { Node = extended.Provider.DefaultAddress.ToString() };
        Visit(extended.Guardian, 0, maxDepth, result);
        Visit(extended.SystemGuardian, 0, maxDepth, result);
        return result;
    }

    private static void Visit(IActorRef actor, int depth, int maxDepth, ActorHierarchy into)
    {
        var withCell = actor as ActorRefWithCell;
        into.Actors.Add(new ActorNode
        {
            Path = actor.Path.ToStringWithoutAddress(),
            Name = actor.Path.Name,
            Type = TypeName(withCell),
            Depth = depth,
        });
        if (withCell is null || (maxDepth > 0 && depth + 1 > maxDepth))
            return;
        foreach (var child in withCell.Children.OrderBy(c => c.Path.Name, StringComparer.Ordinal))
            Visit(child, depth + 1, maxDepth, into);
    }

    private static string TypeName(ActorRefWithCell? actor)
    {
        var type = actor?.Underlying?.Props?.Type;
        return type?.Name ?? actor?.GetType().Name ?? "?";
    }
}
