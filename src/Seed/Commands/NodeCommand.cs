using System.CommandLine;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Commands.Qpu;
using QD3PM.Nodes.Training;
using QD3PM.Nodes.Workers;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Seed.Commands;

/// <summary>`qd3pm node`: runs one cluster node (coordinator, simulator and/or qpu-proxy) until SIGINT/SIGTERM.</summary>
public sealed class NodeCommand : ICommandFactory
{
    /// <summary>Exit code when the cluster, management or metrics port is taken (docs/cli.md).</summary>
    public const int PortInUseExitCode = ExitCodes.PortInUse;


    public Command Create()
    {
        var roles = new Option<string>("--roles") { Description = "Comma-separated roles: coordinator, simulator, qpu-proxy.", DefaultValueFactory = _ => "coordinator,simulator" };
        var host = new Option<string>("--host") { Description = "Address to bind and advertise for cluster traffic.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port") { Description = "Cluster (Akka remoting) port.", DefaultValueFactory = _ => 4053 }.Checked();
        var seeds = new Option<string?>("--seeds") { Description = "Seed nodes HOST:PORT[,HOST:PORT...]; this node's own address first makes it the first seed. Default: itself." };
        var journal = new Option<string?>("--journal") { Description = "Journal of a coordinator: sqlite:PATH (default ./qd3pm-journal.db) or \"postgres:Host=..;Database=..;Username=..;Password=..\"." };
        var mgmtPort = new Option<int?>("--mgmt-port") { Description = "Port of the management gRPC endpoint (none when omitted)." }.Checked();
        var mgmtHost = new Option<string>("--mgmt-host") { Description = "Address of the management and metrics endpoints; other than loopback it needs --token.", DefaultValueFactory = _ => "127.0.0.1" };
        var token = new Option<string?>("--token") { Description = "Bearer token every management call must carry (default: $QD3PM_TOKEN); required when --mgmt-host is not loopback." };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve Prometheus metrics at http://MGMT-HOST:PORT/metrics (none when omitted)." }.Checked();
        var hocon = new Option<string[]>("--hocon") { Description = "Extra HOCON file(s) over the built-in settings (e.g. deploy/hocon/test.conf).", AllowMultipleArgumentsPerToken = true };
        var certs = CertsOption.Create("TLS identity directory from `qd3pm certs create` (ca.crt, tls.crt, tls.key): mutual TLS for cluster traffic and the gRPC endpoints; required for a --host or --mgmt-host other than loopback");
        var joinTimeout = new Option<double>("--join-timeout") { Description = "Seconds to wait for joining the cluster before giving up.", DefaultValueFactory = _ => 30 };

        var command = new Command("node", "Run one cluster node until SIGINT/SIGTERM (roles: coordinator, simulator, qpu-proxy).")
        {
            roles, host, port, seeds, journal, mgmtPort, mgmtHost, token, metricsPort, hocon, certs, joinTimeout,
        };
        // The features that add options and executors to `node`, listed explicitly (one today: the QPU proxy).
        IReadOnlyList<INodeCommandExtension> extensions = [new QpuNodeExtension()];
        foreach (var option in extensions.SelectMany(e => e.Options))
            command.Options.Add(option);

        command.SetAction(async (parse, ct) =>
        {
            NodeOptions options;
            try
            {
                var roleList = NodeRoles.Parse(parse.GetValue(roles)!);
                var seedList = (parse.GetValue(seeds) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                foreach (var seed in seedList)
                    NodeConfig.ParseHostPort(seed, "--seeds");
                var journalText = parse.GetValue(journal);
                options = new NodeOptions
                {
                    Roles = roleList,
                    StopsOnSignals = true, // a node of its own: SIGTERM runs its graceful leave (and the command then ends with 0)
                    Host = parse.GetValue(host)!,
                    Port = parse.GetValue(port),
                    Seeds = seedList,
                    Journal = roleList.Contains(NodeRoles.Coordinator) ? JournalTarget.Parse(journalText ?? "sqlite:qd3pm-journal.db") : null,
                    ManagementPort = parse.GetValue(mgmtPort),
                    ManagementHost = parse.GetValue(mgmtHost)!,
                    ManagementToken = NonEmpty(parse.GetValue(token)) ?? NonEmpty(Environment.GetEnvironmentVariable("QD3PM_TOKEN")),
                    MetricsPort = parse.GetValue(metricsPort),
                    HoconFiles = parse.GetValue(hocon) ?? [],
                    Certificates = CertsOption.Load(parse, certs, CertificateUsage.Node),
                };
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message);
            }

            var executors = new Dictionary<string, Func<IServiceProvider, IWorkItemExecutor>>(NodeHost.DefaultExecutors);
            foreach (var extension in extensions)
                foreach (var (role, factory) in extension.Executors(parse, options))
                    executors[role] = factory;
            var missing = options.Roles.Where(r => r != NodeRoles.Coordinator && !executors.ContainsKey(r)).ToList();
            if (missing.Count > 0)
                throw new CliException($"role {string.Join(", ", missing)} is not available in this build");

            // The host's console lifetime stops the node on SIGINT/SIGTERM (a graceful leave), not the command's default.
            using var signals = StopSignals.LeaveToHost();
            NodeHost node;
            try
            {
                node = await NodeHost.StartAsync(options, executors: executors, cancellationToken: ct);
            }
            catch (PortInUseException ex)
            {
                throw new CliException(ex.Message, PortInUseExitCode);
            }
            catch (ClusterCertificateException ex)
            {
                throw CertsOption.Fail(ex);
            }
            catch (Exception ex) when (ex is JournalUnavailableException or ArgumentException)
            {
                throw new CliException(ex.Message, ExitCodes.Unreachable);
            }
            await using var _ = node;
            var up = await node.WaitUntilUpAsync(TimeSpan.FromSeconds(parse.GetValue(joinTimeout)), ct);
            if (!up)
            {
                var seedText = options.Seeds.Count == 0 ? "itself" : string.Join(", ", options.Seeds);
                throw new CliException($"could not join the cluster through {seedText} within {parse.GetValue(joinTimeout):0}s (is a seed node running and reachable?)", ExitCodes.Unreachable);
            }
            Console.WriteLine($"node up: {node.SelfAddress} roles={string.Join(",", options.Roles)}"
                              + (options.ManagementPort is { } p ? $" mgmt={options.ManagementHost}:{p}" : "")
                              + (options.MetricsPort is { } mp ? $" metrics=http://{options.ManagementHost}:{mp}/metrics" : "")
                              + (options.Journal is { } j ? $" journal={j}" : "")
                              + (node.SelfStatus == Akka.Cluster.MemberStatus.WeaklyUp
                                  ? " (weakly up: taking work; Up once the cluster's unreachable members are downed or back)" : ""));
            try
            {
                await node.WaitForShutdownAsync(ct);
            }
            catch (OperationCanceledException)
            {
            }
            Console.WriteLine("node leaving the cluster");
            return 0;
        });
        return command;
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();
}
