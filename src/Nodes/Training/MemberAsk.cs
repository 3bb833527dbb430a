using Akka.Actor;

namespace QD3PM.Nodes.Training;

/// <summary>
/// Asks a well-known actor (<c>/user/NAME</c>) on one cluster member, for node-to-node questions whose answer is
/// optional: a member that does not answer in time (gone meanwhile, an older build without that actor) gives null.
/// </summary>
public static class MemberAsk
{
    public static async Task<T?> OrNullAsync<T>(ActorSystem system, Address member, string actorName, object question, TimeSpan timeout)
        where T : class
    {
        try
        {
            return await system.ActorSelection(new RootActorPath(member) / "user" / actorName).Ask<T>(question, timeout);
        }
        catch (Exception ex) when (ex is AskTimeoutException or TaskCanceledException or ActorNotFoundException)
        {
            return null;
        }
    }
}
