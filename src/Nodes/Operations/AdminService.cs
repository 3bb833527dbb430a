using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster;
using Akka.Hosting;
using Grpc.Core;
using QD3PM.Nodes.Management;
using QD3PM.Protocol.Cluster;
using QD3PM.Protocol.Management;
using QD3PM.Protocol.Ops;
using Status = Grpc.Core.Status;
using ProtoMember = QD3PM.Protocol.Management.Member;
using QD3PM.Nodes.Configuration;
using QD3PM.Nodes.Training;

namespace QD3PM.Nodes.Operations;

/// <summary>gRPC Admin service (admin.proto): membership, the node's actors and log, run control and worker drain.</summary>
public sealed class AdminService(ActorSystem system, ActorRegistry registry, NodeOptions options) : Admin.AdminBase
{
    private static readonly TimeSpan IdentifyTimeout = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(10);

    private Cluster Cluster => Cluster.Get(system);

    public override async Task<MemberList> GetMembers(GetMembersRequest request, ServerCallContext context)
    {
        var state = Cluster.State;
        var unreachable = state.Unreachable.Select(m => m.Address).ToHashSet();
        var members = state.Members.Union(state.Unreachable).Distinct().OrderBy(m => m.Address.ToString(), StringComparer.Ordinal).ToList();
        // Each member's own up time, asked from its ops agent in parallel (unreachable ones are not asked).
        var identities = await Task.WhenAll(members.Select(m => unreachable.Contains(m.Address) ? Task.FromResult<NodeIdentity?>(null) : Identify(m.Address)));
        var list = new MemberList { Leader = state.Leader?.ToString() ?? "", Self = Cluster.SelfAddress.ToString() };
        for (int i = 0; i < members.Count; i++)
        {
            var m = members[i];
            var member = new ProtoMember
            {
                Address = m.Address.ToString(), Status = m.Status.ToString(), Reachable = !unreachable.Contains(m.Address),
                UpSeconds = identities[i]?.UpSeconds ?? -1, Leader = m.Address == state.Leader, Self = m.Address == Cluster.SelfAddress,
            };
            member.Roles.AddRange(MemberRoles.Of(m));
            list.Members.Add(member);
        }
        return list;
    }

    private Task<NodeIdentity?> Identify(Address address) =>
        MemberAsk.OrNullAsync<NodeIdentity>(system, address, OpsAgent.Name, new IdentifyNode(), IdentifyTimeout);

    public override async Task WatchMembers(WatchMembersRequest request, IServerStreamWriter<MemberEvent> responseStream, ServerCallContext context)
    {
        var channel = Channel.CreateBounded<MemberEvent>(new BoundedChannelOptions(1000) { FullMode = BoundedChannelFullMode.DropOldest });
        var forwarder = system.ActorOf(MemberEventForwarder.Props(channel.Writer));
        try
        {
            await foreach (var e in channel.Reader.ReadAllAsync(context.CancellationToken))
                await responseStream.WriteAsync(e, context.CancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            system.Stop(forwarder);
        }
    }

    public override Task<CommandReply> Join(AddressRequest request, ServerCallContext context)
    {
        var address = ParseAddress(request.Address);
        Cluster.Join(address);
        return Task.FromResult(Reply($"{Cluster.SelfAddress} is joining the cluster at {address}", address));
    }

    public override Task<CommandReply> Leave(AddressRequest request, ServerCallContext context)
    {
        var address = MemberAddress(request.Address);
        Cluster.Leave(address);
        return Task.FromResult(Reply($"{address} is leaving the cluster", address));
    }

    public override Task<CommandReply> Down(AddressRequest request, ServerCallContext context)
    {
        var address = MemberAddress(request.Address);
        Cluster.Down(address);
        return Task.FromResult(Reply($"{address} is marked down and will be removed", address));
    }

    public override Task<CommandReply> DownUnreachable(DownUnreachableRequest request, ServerCallContext context)
    {
        var unreachable = Cluster.State.Unreachable.Select(m => m.Address).ToList();
        foreach (var address in unreachable)
            Cluster.Down(address);
        return Task.FromResult(Reply(unreachable.Count == 0 ? "no unreachable members" : $"downed {unreachable.Count} unreachable member(s)", [.. unreachable]));
    }

    public override Task<ActorHierarchy> GetActorHierarchy(ActorHierarchyRequest request, ServerCallContext context) =>
        Task.FromResult(ActorTree.Walk(system, request.MaxDepth));

    public override async Task TailLog(TailLogRequest request, IServerStreamWriter<LogEntry> responseStream, ServerCallContext context)
    {
        var min = LevelRank(request.MinLevel);
        var (backlog, live, subscription) = LogRing.Shared.Subscribe(Math.Max(0, request.Last));
        using (subscription)
        {
            var ct = context.CancellationToken;
            foreach (var e in backlog.Where(e => LevelRank(e.Level) >= min))
                await responseStream.WriteAsync(e, ct);
            if (!request.Follow)
                return;
            try
            {
                await foreach (var e in live.ReadAllAsync(ct))
                {
                    if (LevelRank(e.Level) >= min)
                        await responseStream.WriteAsync(e, ct);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static int LevelRank(string level) => level.ToUpperInvariant() switch
    {
        "" or "DEBUG" => 0,
        "INFO" => 1,
        "WARNING" or "WARN" => 2,
        "ERROR" => 3,
        _ => throw new RpcException(new Status(StatusCode.InvalidArgument, $"unknown log level '{level}' (DEBUG, INFO, WARNING, ERROR)")),
    };

    public override async Task<RunStatus> ControlRun(ControlRunRequest request, ServerCallContext context)
    {
        if (request.Action == RunAction.Unspecified)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "no action given (pause, resume or cancel)"));
        if (QpuRunBudget.Sets(request.Budget) && request.Action != RunAction.Resume)
            throw new RpcException(new Status(StatusCode.InvalidArgument, "a new QPU budget goes with resume"));
        if (QpuRunBudget.Invalid(request.Budget) is { } badBudget)
            throw new RpcException(new Status(StatusCode.InvalidArgument, badBudget));
        RunStatus status;
        try
        {
            status = await registry.Get<CoordinatorProxyKey>().Ask<RunStatus>(
                new Protocol.Cluster.ControlRun { RunId = request.RunId, Action = request.Action, Budget = request.Budget }, AskTimeout, context.CancellationToken);
        }
        catch (AskTimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the training coordinator did not answer (is a node with role coordinator up?)"));
        }
        if (status.State == RunState.Unknown)
            throw new RpcException(new Status(StatusCode.NotFound, $"no run with id '{request.RunId}'"));
        return status;
    }

    public override async Task<CommandReply> DrainWorker(AddressRequest request, ServerCallContext context)
    {
        var address = MemberAddress(request.Address);
        var member = Cluster.State.Members.First(m => m.Address == address);
        if (!member.Roles.Any(r => r is NodeRoles.Simulator or NodeRoles.QpuProxy))
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"{address} runs no workers (roles: {string.Join(",", MemberRoles.Of(member))})"));
        DrainStarted started;
        try
        {
            started = await system.ActorSelection(new RootActorPath(address) / "user" / OpsAgent.Name)
                .Ask<DrainStarted>(new DrainNode(), AskTimeout, context.CancellationToken);
        }
        catch (Exception ex) when (ex is AskTimeoutException or ActorNotFoundException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"{address} did not answer the drain request"));
        }
        return Reply($"{address} is draining: {started.Workers} worker(s) finish {started.InFlight} in-flight item(s), "
                     + $"{started.Returned} prefetched item(s) went back to the queue; the node leaves when idle", address);
    }

    public override Task<NodeInfoReply> GetNodeInfo(NodeInfoRequest request, ServerCallContext context)
    {
        var reply = new NodeInfoReply
        {
            Address = Cluster.SelfAddress.ToString(), UpSeconds = OpsAgent.UpTime.TotalSeconds, ProcessId = Environment.ProcessId,
            MetricsPort = options.MetricsPort ?? 0,
            Version = typeof(AdminService).Assembly.GetName().Version?.ToString() ?? "",
        };
        reply.Roles.AddRange(options.Roles);
        return Task.FromResult(reply);
    }

    private Address ParseAddress(string text)
    {
        try
        {
            return ClusterAddress.Parse(text, Cluster.SelfAddress.Protocol);
        }
        catch (ArgumentException ex)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, ex.Message));
        }
    }

    /// <summary>The address of a current member (NOT_FOUND otherwise).</summary>
    private Address MemberAddress(string text)
    {
        var address = ParseAddress(text);
        var state = Cluster.State;
        if (!state.Members.Any(m => m.Address == address) && !state.Unreachable.Any(m => m.Address == address))
            throw new RpcException(new Status(StatusCode.NotFound, $"no member at {address}"));
        return address;
    }

    private static CommandReply Reply(string message, params Address[] addresses)
    {
        var reply = new CommandReply { Message = message };
        reply.Addresses.AddRange(addresses.Select(a => a.ToString()));
        return reply;
    }
}
