using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using QD3PM.Protocol.Management;

namespace QD3PM.Nodes.Operations;

/// <summary>
/// Subscribes to the cluster's membership events and writes them into a channel (one per `cluster tail` client);
/// the current members arrive first, as events. Stopped when the client goes away.
/// </summary>
public sealed class MemberEventForwarder : ReceiveActor
{
    private readonly ChannelWriter<MemberEvent> _writer;

    public MemberEventForwarder(ChannelWriter<MemberEvent> writer)
    {
        _writer = writer;
        Receive<ClusterEvent.IMemberEvent>(e => Write(e.GetType().Name, e.Member));
        Receive<ClusterEvent.UnreachableMember>(e => Write("UnreachableMember", e.Member));
        Receive<ClusterEvent.ReachableMember>(e => Write("ReachableMember", e.Member));
        Receive<ClusterEvent.LeaderChanged>(e => _writer.TryWrite(new MemberEvent
        {
            UnixMs = Now, Kind = "LeaderChanged", Address = e.Leader?.ToString() ?? "", Status = "",
        }));
        ReceiveAny(_ => { });
    }

    public static Props Props(ChannelWriter<MemberEvent> writer) => Akka.Actor.Props.Create(() => new MemberEventForwarder(writer));

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    protected override void PreStart() =>
        Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.ReachabilityEvent), typeof(ClusterEvent.LeaderChanged));

    protected override void PostStop()
    {
        Cluster.Get(Context.System).Unsubscribe(Self);
        _writer.TryComplete();
    }

    private void Write(string kind, Akka.Cluster.Member member)
    {
        var e = new MemberEvent { UnixMs = Now, Kind = kind, Address = member.Address.ToString(), Status = member.Status.ToString() };
        e.Roles.AddRange(MemberRoles.Of(member));
        _writer.TryWrite(e);
    }
}
