using System.CommandLine;
using Grpc.Core;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Qpu.Proxy;
using QD3PM.Nodes.Security;
using QD3PM.Nodes.Workers;
using QD3PM.Seed.Cli;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Seed.Commands.Qpu;

/// <summary>
/// `qd3pm node --roles qpu-proxy --qpu URL [--qpu-token T] [--qpu-budget-shots N] ...`: the QPU-proxy worker. The
/// QPU is asked for its backend before the node starts, so a refused token is one clear error; an unreachable QPU is
/// only a warning (the worker waits for it).
/// </summary>
public sealed class QpuNodeExtension : INodeCommandExtension
{
    private readonly Option<string?> _url = new("--qpu") { Description = "URL of the QPU service for role qpu-proxy (e.g. http://127.0.0.1:5005)." };
    private readonly Option<string?> _token = new("--qpu-token") { Description = "Bearer token for the QPU service." };
    private readonly Option<long?> _budgetShots = new("--qpu-budget-shots") { Description = "Most shots one run may spend on the QPU through this node (refused before submitting)." };
    private readonly Option<double?> _budgetCost = new("--qpu-budget-cost") { Description = "Most cost (backend prices) one run may spend on the QPU through this node." };
    private readonly Option<int> _shots = new("--qpu-shots") { Description = "Shots per circuit for runs that do not set --shots.", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> _capacity = new("--qpu-capacity") { Description = "Work items in flight on the QPU at once.", DefaultValueFactory = _ => 4 };

    public IEnumerable<Option> Options => [_url, _token, _budgetShots, _budgetCost, _shots, _capacity];

    public IReadOnlyDictionary<string, Func<IServiceProvider, IWorkItemExecutor>> Executors(ParseResult parse, NodeOptions node)
    {
        var roles = node.Roles;
        var url = parse.GetValue(_url);
        if (!roles.Contains(NodeRoles.QpuProxy))
        {
            if (url is not null)
                throw new CliException("--qpu is only used by role qpu-proxy (add it to --roles)");
            return new Dictionary<string, Func<IServiceProvider, IWorkItemExecutor>>();
        }
        if (url is null)
            throw new CliException("role qpu-proxy needs --qpu URL (e.g. --qpu http://127.0.0.1:5005 of `qd3pm qpu serve`)");
        var options = Build(url, parse.GetValue(_token), parse.GetValue(_budgetShots), parse.GetValue(_budgetCost),
            parse.GetValue(_shots), parse.GetValue(_capacity)) with { Certificates = node.Certificates };
        Preflight(options);
        return new Dictionary<string, Func<IServiceProvider, IWorkItemExecutor>>
        {
            [NodeRoles.QpuProxy] = _ => new QpuProxyExecutor(options),
        };
    }

    /// <summary>Validated proxy options (shared with `qd3pm train --qpu`).</summary>
    public static QpuProxyOptions Build(string url, string? token, long? budgetShots, double? budgetCost, int shots, int capacity)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new CliException($"--qpu must be an http:// or https:// URL, not '{url}'");
        if (budgetShots is < 1) throw new CliException("--qpu-budget-shots must be at least 1");
        if (budgetCost is <= 0) throw new CliException("--qpu-budget-cost must be positive");
        if (shots < 1) throw new CliException("--qpu-shots must be at least 1");
        if (capacity < 1) throw new CliException("--qpu-capacity must be at least 1");
        return new QpuProxyOptions
        {
            Url = uri, Token = token, BudgetShots = budgetShots, BudgetCost = budgetCost, DefaultShots = shots, Capacity = capacity,
            Client = Environment.MachineName + ":" + Environment.ProcessId,
        };
    }

    /// <summary>The backend's max circuits per job (what `train --qpu` packs items to); 300 when the QPU does not answer now.</summary>
    public static int MaxCircuitsPerJob(string url)
    {
        try
        {
            using var client = new QpuClient(new QpuProxyOptions { Url = new Uri(url), CallTimeout = TimeSpan.FromSeconds(5) });
            return Math.Max(1, client.GetBackendAsync(CancellationToken.None).GetAwaiter().GetResult().MaxCircuitsPerJob);
        }
        catch (Exception ex) when (ex is RpcException or UriFormatException)
        {
            return 300;
        }
    }

    /// <summary>Asks the QPU for its backend: a refused token ends the command; an outage is a warning.</summary>
    public static void Preflight(QpuProxyOptions options)
    {
        QpuClient client;
        try
        {
            client = new QpuClient(options with { CallTimeout = TimeSpan.FromSeconds(5) });
        }
        catch (ClusterCertificateException ex)
        {
            throw CertsOption.Fail(ex);
        }
        using var _ = client;
        try
        {
            var backend = client.GetBackendAsync(CancellationToken.None).GetAwaiter().GetResult();
            Console.WriteLine($"qpu-proxy: QPU {backend.Name} at {options.Url}: {backend.NumQubits} qubits, basis {string.Join(",", backend.BasisGates)}, " +
                              $"max {backend.MaxShots} shots, {backend.MaxCircuitsPerJob} circuits per job");
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unauthenticated or StatusCode.PermissionDenied)
        {
            throw new CliException($"the QPU at {options.Url} refused the credentials ({ex.Status.Detail}); check --qpu-token", ExitCodes.Unreachable);
        }
        catch (RpcException ex) when (client.ExplainTransportFailure(ex) is { } tls)
        {
            throw new CliException($"the QPU at {options.Url}: {tls}", ClusterCertificateException.ExitCode);
        }
        catch (RpcException ex)
        {
            Console.WriteLine($"qpu-proxy: warning: QPU at {options.Url} not reachable yet ({ex.StatusCode}); QPU work waits until it is");
        }
    }
}
