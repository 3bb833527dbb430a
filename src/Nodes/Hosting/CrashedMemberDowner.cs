using System.Net.Sockets;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// Downs crashed members at once. The failure detector cannot tell a crashed process from a partition or a long
/// pause, so the split brain resolver waits stable-after (7 s) for reachability to settle; workers killed and replaced
/// every few seconds then pile up as undecided unreachable members, which blocks joins (no convergence) and, once they
/// outnumber the reachable side, makes keep-majority down the healthy side. A crashed process is different: its host
/// still answers, and refuses TCP connections on the member's cluster port. This actor runs on every node; the
/// cluster leader (among reachable members) probes each unreachable member's port and downs it after
/// <see cref="MembershipSettings.CrashProbeRefusals"/> refusals in a row. A cut link or a dead host times out
/// instead of refusing, so those cases are left to the resolver.
/// </summary>
public sealed class CrashedMemberDowner : ReceiveActor, IWithTimers
{
    public const string Name = "crashed-member-downer";
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(2);

    private sealed record ProbeTick
    {
        public static readonly ProbeTick Instance = new();
    }

    private sealed record ProbeResult(UniqueAddress Member, bool Refused);

    private readonly MembershipSettings _settings;
    private readonly Cluster _cluster = Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly Dictionary<UniqueAddress, int> _refusals = new();
    private readonly HashSet<UniqueAddress> _probing = new();

    public CrashedMemberDowner(MembershipSettings settings)
    {
        _settings = settings;
        Receive<ProbeTick>(_ => ProbeUnreachable());
        Receive<ProbeResult>(OnResult);
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(MembershipSettings settings) => Akka.Actor.Props.Create(() => new CrashedMemberDowner(settings));

    protected override void PreStart() => Timers.StartPeriodicTimer("probe", ProbeTick.Instance, _settings.CrashProbeInterval);

    private void ProbeUnreachable()
    {
        var state = _cluster.State;
        var candidates = state.Unreachable.Select(m => CurrentMember(state, m.UniqueAddress))
            .Where(m => m is { Status: MemberStatus.Joining or MemberStatus.WeaklyUp or MemberStatus.Up or MemberStatus.Leaving })
            .Select(m => m!.UniqueAddress)
            .ToHashSet();
        foreach (var gone in _refusals.Keys.Where(k => !candidates.Contains(k)).ToList())
            _refusals.Remove(gone); // reachable again, downed or removed
        if (candidates.Count == 0 || state.Leader is null || !state.Leader.Equals(_cluster.SelfAddress))
            return; // only the leader acts; the others would only repeat its probes
        foreach (var member in candidates)
        {
            if (!_probing.Add(member) || member.Address.Host is not { } host || member.Address.Port is not { } port)
                continue;
            RefusesConnectionsAsync(host, port).PipeTo(Self, success: refused => new ProbeResult(member, refused),
                failure: _ => new ProbeResult(member, false));
        }
    }

    private void OnResult(ProbeResult result)
    {
        _probing.Remove(result.Member);
        var state = _cluster.State;
        var member = state.Unreachable.Any(m => m.UniqueAddress.Equals(result.Member)) ? CurrentMember(state, result.Member) : null;
        if (!result.Refused || member is null || member.Status is MemberStatus.Down or MemberStatus.Exiting or MemberStatus.Removed)
        {
            _refusals.Remove(result.Member);
            return;
        }
        var count = _refusals[result.Member] = _refusals.GetValueOrDefault(result.Member) + 1;
        if (count < _settings.CrashProbeRefusals)
            return;
        _refusals.Remove(result.Member);
        _log.Warning("member {0} is unreachable and its host refuses connections on its cluster port: the process is gone, downing it now",
            member.Address);
        _cluster.Down(member.Address);
    }

    /// <summary>The member's entry in the membership (its status there is current; the unreachable set's copy may be older).</summary>
    private static Member? CurrentMember(ClusterEvent.CurrentClusterState state, UniqueAddress address) =>
        state.Members.FirstOrDefault(m => m.UniqueAddress.Equals(address));

    /// <summary>True when the host actively refuses a TCP connection to the port (nothing listens there).</summary>
    private static async Task<bool> RefusesConnectionsAsync(string host, int port)
    {
        using var timeout = new CancellationTokenSource(ConnectTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(host, port, timeout.Token);
            return false;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode == SocketError.ConnectionRefused;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
