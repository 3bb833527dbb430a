using System.Net;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.Singleton;
using Akka.Hosting;
using Akka.Pattern;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using QD3PM.Nodes.Management;
using QD3PM.Nodes.Operations;
using QD3PM.Nodes.Security;
using QD3PM.Nodes.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Nodes.Hosting;

/// <summary>
/// One cluster node in this process: the actor system (Akka.Hosting) with the actors of its roles, and optionally the
/// management gRPC endpoint (Kestrel, h2c). The coordinator singleton runs on role "coordinator"; every node has a
/// proxy to it; nodes with a worker role run one pulling worker per executor. Stopping the host runs Akka's
/// coordinated shutdown: workers hand their items back, the node leaves the cluster.
/// </summary>
public sealed class NodeHost : IAsyncDisposable
{
    public const string CoordinatorName = "coordinator";


    private readonly IHost _host;
    private readonly IDisposable? _metrics;

    private NodeHost(IHost host, NodeOptions options, IDisposable? metrics)
    {
        _host = host;
        _metrics = metrics;
        Options = options;
        System = host.Services.GetRequiredService<ActorSystem>();
        CoordinatorJournal = host.Services.GetRequiredService<CoordinatorJournalWatch>();
        Coordinator = host.Services.GetRequiredService<ActorRegistry>().Get<CoordinatorProxyKey>();
    }

    public NodeOptions Options { get; }
    public ActorSystem System { get; }

    /// <summary>Proxy to the coordinator singleton (wherever it runs).</summary>
    public IActorRef Coordinator { get; }

    /// <summary>Why the coordinator, if it runs on this node, cannot recover its run registry from the journal.</summary>
    public CoordinatorJournalWatch CoordinatorJournal { get; }

    public Address SelfAddress => Cluster.Get(System).SelfAddress;

    /// <summary>Executors per worker role; the QPU-proxy feature adds its own for role qpu-proxy.</summary>
    public static IReadOnlyDictionary<string, Func<IServiceProvider, IWorkItemExecutor>> DefaultExecutors { get; } =
        new Dictionary<string, Func<IServiceProvider, IWorkItemExecutor>>
        {
            [NodeRoles.Simulator] = _ => new SimulatorExecutor(),
        };

    public static async Task<NodeHost> StartAsync(
        NodeOptions options,
        IEnumerable<IManagementServiceRegistration>? managementServices = null,
        IReadOnlyDictionary<string, Func<IServiceProvider, IWorkItemExecutor>>? executors = null,
        CancellationToken cancellationToken = default)
    {
        // Before the journal is touched: a node that cannot run securely writes nothing.
        if (options.ManagementPort is not null && options.ManagementToken is null && !LoopbackHost.Is(options.ManagementHost))
            throw new ArgumentException($"--mgmt-host {options.ManagementHost} is not a loopback address: give --token (or QD3PM_TOKEN) so only holders of it can manage the node");
        TransportSecurity.RequireCertificates("--host", options.Host, options.Certificates);
        if (options.ManagementPort is not null)
            TransportSecurity.RequireCertificates("--mgmt-host", options.ManagementHost, options.Certificates);
        CheckPorts(options);
        if (options.Has(NodeRoles.Coordinator))
        {
            if (options.Journal is null)
                throw new ArgumentException("a node with role coordinator needs --journal");
            await JournalPreflight.CheckAsync(options.Journal, cancellationToken);
        }
        var config = NodeConfig.Build(options);
        var settings = CoordinatorSettings.From(config);
        var membership = MembershipSettings.From(config);
        executors ??= DefaultExecutors;
        var registrations = (managementServices ?? []).ToList();

        IHost host;
        if (options.ManagementPort is { } port)
        {
            var builder = HostBuilders.Web();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel =>
            {
                var address = options.ManagementHost is "localhost" ? IPAddress.Loopback : IPAddress.Parse(options.ManagementHost);
                kestrel.Listen(address, port, listen =>
                {
                    listen.Protocols = HttpProtocols.Http2;
                    if (options.Certificates is { } certificates)
                        KestrelTls.Use(listen, certificates);
                });
            });
            builder.Services.AddGrpc(grpc =>
            {
                if (options.ManagementToken is not null)
                    grpc.Interceptors.Add<ManagementTokenInterceptor>();
            });
            if (options.ManagementToken is { } token)
                builder.Services.AddSingleton(new ManagementToken(token));
            ConfigureServices(builder.Services, options, config, settings, membership, executors);
            foreach (var registration in registrations)
                registration.ConfigureServices(builder.Services);
            var app = builder.Build();
            app.MapGrpcService<TrainingManagementService>();
            app.MapGrpcService<AdminService>();
            foreach (var registration in registrations)
                registration.MapEndpoints(app);
            host = app;
        }
        else
        {
            var builder = HostBuilders.Plain();
            builder.Logging.ClearProviders();
            ConfigureServices(builder.Services, options, config, settings, membership, executors);
            host = builder.Build();
        }

        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            host.Dispose();
            throw new ArgumentException($"cannot listen on {options.ManagementHost}:{options.ManagementPort}: {ex.Message}", ex);
        }
        IDisposable? metrics = null;
        if (options.MetricsPort is { } metricsPort)
        {
            try
            {
                metrics = MetricsExporter.Start(options.ManagementHost, metricsPort);
            }
            catch (Exception ex) when (ex is global::System.Net.HttpListenerException or InvalidOperationException)
            {
                await host.StopAsync(CancellationToken.None);
                host.Dispose();
                throw new ArgumentException($"cannot serve metrics on {options.ManagementHost}:{metricsPort}: {ex.Message}", ex);
            }
        }
        return new NodeHost(host, options, metrics);
    }

    /// <summary>
    /// Refuses to start (before the actor system exists, so nothing joins and no healthy node is disturbed) when a port
    /// this node must listen on is taken or given twice.
    /// </summary>
    private static void CheckPorts(NodeOptions options)
    {
        var ports = new List<(string Host, int Port, string What)> { (options.Host, options.Port, "cluster port (--port)") };
        if (options.ManagementPort is { } management)
            ports.Add((options.ManagementHost, management, "management port (--mgmt-port)"));
        if (options.MetricsPort is { } metrics)
            ports.Add((options.ManagementHost, metrics, "metrics port (--metrics-port)"));
        var twice = ports.Where(p => p.Port != 0).GroupBy(p => p.Port).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null)
            throw new ArgumentException($"port {twice.Key} is given twice ({string.Join(" and ", twice.Select(p => p.What))})");
        foreach (var (host, port, what) in ports)
            PortAvailability.EnsureFree(host, port, what);
    }

    private static void ConfigureServices(IServiceCollection services, NodeOptions options, Akka.Configuration.Config config,
        CoordinatorSettings settings, MembershipSettings membership, IReadOnlyDictionary<string, Func<IServiceProvider, IWorkItemExecutor>> executors)
    {
        services.AddSingleton(options);
        services.AddSingleton<CoordinatorJournalWatch>();
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(20));
        if (!options.StopsOnSignals)
            services.AddSingleton<IHostLifetime, EmbeddedHostLifetime>();
        services.AddAkka(NodeOptions.SystemName, (akka, provider) =>
        {
            akka.AddHocon(config, HoconAddMode.Prepend);
            if (options.Certificates is { } certificates)
                akka.AddSetup(RemotingTls.Setup(certificates));
            akka.WithActors((system, registry) =>
            {
                // Akka attaches its stdout logger at the very end of a shutdown, at the event stream's level (INFO, for
                // the log ring), so "Remoting shut down" would land on stdout, which carries only the command's own
                // output (`--json`). The ring is not read any more by then: raise the stream to the printed level first.
                CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate, "quiet-stdout", () =>
                {
                    system.EventStream.SetLogLevel(RingBufferLogger.PrintLevel(system.Settings.Config));
                    return Task.FromResult(Akka.Done.Instance);
                });
                provider.GetRequiredService<CoordinatorJournalWatch>().Start(system); // before the coordinator can fail
                var cluster = Cluster.Get(system);
                if (options.Seeds.Count == 0)
                {
                    cluster.Join(cluster.SelfAddress); // a cluster of one (embedded mode)
                }
                else if (MembershipMemory.AppliesTo(options))
                {
                    // A coordinator node joins once it has read which members it last saw (a restarted coordinator
                    // rejoins them instead of forming a second cluster); without the journal, with the seeds alone.
                    var join = new SeedJoin(cluster, NodeConfig.SeedAddresses(options).Select(Address.Parse).ToList(), membership.RejoinPatience);
                    system.ActorOf(MembershipMemory.Props(join, MembershipMemory.PersistenceIdFor(options)), MembershipMemory.Name);
                    system.Scheduler.Advanced.ScheduleOnce(membership.MemoryReadTimeout, () => join.Join([]));
                }
                if (membership.DownCrashedMembers)
                    system.ActorOf(CrashedMemberDowner.Props(membership), CrashedMemberDowner.Name);

                if (options.Has(NodeRoles.Coordinator))
                {
                    // Back-off supervision: a persistent actor stops when its journal fails; the singleton keeps
                    // trying to bring it back (recovering from the journal) instead of staying dead.
                    var supervised = BackoffSupervisor.Props(Backoff.OnStop(
                        CoordinatorActor.Props(options.Problems, settings), "training", TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(15), 0.2, -1));
                    system.ActorOf(ClusterSingletonManager.Props(
                            supervised,
                            PoisonPill.Instance,
                            ClusterSingletonManagerSettings.Create(system).WithRole(NodeRoles.Coordinator)),
                        CoordinatorName);
                }
                var proxy = system.ActorOf(ClusterSingletonProxy.Props($"/user/{CoordinatorName}",
                    ClusterSingletonProxySettings.Create(system).WithRole(NodeRoles.Coordinator)), "coordinator-proxy");
                registry.Register<CoordinatorProxyKey>(proxy);

                var node = $"{options.Host}:{cluster.SelfAddress.Port}";
                var workers = new List<IActorRef>();
                foreach (var (role, factory) in executors)
                {
                    if (!options.Has(role))
                        continue;
                    var executor = factory(provider);
                    var worker = system.ActorOf(WorkerActor.Props(executor, options.Problems, proxy, node), "worker-" + role);
                    workers.Add(worker);
                    CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseBeforeClusterShutdown, "return-work-" + role,
                        async () =>
                        {
                            try { await worker.Ask<WorkerProtocol.Drained>(WorkerProtocol.Drain.Instance, TimeSpan.FromSeconds(3)); }
                            catch (Exception) { /* the worker is gone already: the coordinator re-queues on Terminated */ }
                            return Akka.Done.Instance;
                        });
                }
                // `qd3pm worker drain` and member up times (admin.proto) talk to this agent on every node.
                system.ActorOf(OpsAgent.Props(workers, options.MetricsPort ?? 0, settings.ItemTimeout), OpsAgent.Name);
            });
        });
    }

    /// <summary>This node's membership status as the cluster sees it (Removed before it joined).</summary>
    public MemberStatus SelfStatus => Cluster.Get(System).SelfMember.Status;

    /// <summary>
    /// Waits until this node is a working member (or the timeout passes: false): Up, or WeaklyUp, which the leader grants
    /// a joining node while another member is unreachable (no convergence). A WeaklyUp worker already receives work
    /// and reaches the coordinator; it becomes Up once the unreachable member is downed or back.
    /// </summary>
    public async Task<bool> WaitUntilUpAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        var until = DateTime.UtcNow + timeout;
        while (SelfStatus is not (MemberStatus.Up or MemberStatus.WeaklyUp))
        {
            if (DateTime.UtcNow >= until)
                return false;
            await Task.Delay(50, ct);
        }
        return true;
    }

    /// <summary>Completes when the host stops (SIGINT/SIGTERM via the host's lifetime, or the node was downed).</summary>
    public Task WaitForShutdownAsync(CancellationToken ct = default)
    {
        var terminated = System.WhenTerminated;
        return Task.WhenAny(_host.WaitForShutdownAsync(ct), terminated);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(25));
            await _host.StopAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
        }
        _host.Dispose();
        _metrics?.Dispose();
    }
}
