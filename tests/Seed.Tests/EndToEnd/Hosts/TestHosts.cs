using System.Net;
using QD3PM.Nodes.Security;
using QD3PM.Seed.Tests.Support;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// Several machines on one: N network namespaces (<see cref="TestHost"/>) plus one for a PostgreSQL server, each
/// cabled by a veth pair to a bridge inside a switch namespace of their own, with addresses from 192.0.2.0/24 (the
/// documentation range) that exist only inside these namespaces; nothing of it is in the machine's own namespace,
/// so no packet can leave the machine. Every node runs `qd3pm node` inside its host (`ip netns exec`) with mutual
/// TLS from `qd3pm certs create`. A partition is a switch port set down (<see cref="Cut"/>) and up (<see cref="Heal"/>).
/// Dispose kills every process it started (by pid), stops PostgreSQL and deletes the namespaces, which removes the
/// bridge and the veth pairs with them; creation first sweeps namespaces of earlier test processes that died.
/// </summary>
public sealed class TestHosts : IDisposable
{
    public const string Subnet = "192.0.2.0/24";
    private const string SwitchName = "sw";
    private readonly List<string> _namespaces = [];
    private readonly List<Qd3pmProcess> _processes = [];
    private readonly List<NamespaceForward> _forwards = [];
    private readonly string _switch;
    private PostgresFixture? _postgres;

    private TestHosts(string directory)
    {
        Directory = directory;
        _switch = NetworkNamespaces.NameFor(SwitchName);
    }

    /// <summary>Temp directory of this set of hosts (certificates, logs).</summary>
    public string Directory { get; }
    public IReadOnlyList<TestHost> Hosts { get; private set; } = [];
    public TestHost DatabaseHost { get; private set; } = null!;
    public PostgresFixture Postgres => _postgres ?? throw new InvalidOperationException("PostgreSQL not started");

    /// <summary>DIR of `certs create --out DIR`: DIR/ADDRESS per node, DIR/client for the test's management calls.</summary>
    public string Certificates => Path.Combine(Directory, "certs");

    /// <summary>The hocon of every node: the production settings a real multi-machine cluster runs with.</summary>
    public static string Hocon => Path.Combine(RepoPaths.Root, "deploy", "hocon", "production.conf");

    /// <summary>Makes <paramref name="count"/> hosts h1..hN (192.0.2.11...) and a PostgreSQL host (192.0.2.2).</summary>
    public static async Task<TestHosts> CreateAsync(int count)
    {
        NetworkNamespaces.SweepStale();
        var hosts = new TestHosts(System.IO.Directory.CreateTempSubdirectory("qd3pm-hosts-").FullName);
        try
        {
            hosts.Build(count);
            using (var create = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), "certs", "create", "--out", hosts.Certificates,
                       "--hosts", string.Join(',', hosts.Hosts.Select(h => h.Address))))
            {
                if (create.ExitCode != 0)
                    throw new InvalidOperationException("certs create failed:\n" + create.Describe());
            }
            hosts._postgres = new PostgresFixture(hosts.DatabaseHost.Netns, hosts.DatabaseHost.Address, Subnet);
            if (hosts._postgres.Error is { } error)
                throw new InvalidOperationException(error);
            return hosts;
        }
        catch
        {
            hosts.Dispose();
            throw;
        }
    }

    private void Build(int count)
    {
        NetworkNamespaces.Ip("netns", "add", _switch);
        _namespaces.Add(_switch);
        NetworkNamespaces.Ip("-n", _switch, "link", "add", "br0", "type", "bridge");
        NetworkNamespaces.Ip("-n", _switch, "link", "set", "br0", "up");
        DatabaseHost = AddHost("pg", "192.0.2.2");
        var hosts = new List<TestHost>();
        for (int i = 1; i <= count; i++)
            hosts.Add(AddHost("h" + i, "192.0.2." + (10 + i)));
        Hosts = hosts;
    }

    private TestHost AddHost(string name, string address)
    {
        var netns = NetworkNamespaces.NameFor(name);
        NetworkNamespaces.Ip("netns", "add", netns);
        _namespaces.Add(netns);
        var port = "p-" + name;
        // The pair is made in the switch and one end moved into the host: nothing touches the machine's namespace.
        NetworkNamespaces.Ip("-n", _switch, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", netns);
        NetworkNamespaces.Ip("-n", _switch, "link", "set", port, "master", "br0");
        NetworkNamespaces.Ip("-n", _switch, "link", "set", port, "up");
        NetworkNamespaces.Ip("-n", netns, "link", "set", "lo", "up");
        NetworkNamespaces.Ip("-n", netns, "addr", "add", address + "/24", "dev", "eth0");
        NetworkNamespaces.Ip("-n", netns, "link", "set", "eth0", "up");
        return new TestHost(name, netns, address, port);
    }

    /// <summary>A fresh database on the PostgreSQL host, as a `--journal` value.</summary>
    public string NewJournal() => "postgres:" + Postgres.CreateDatabase("qd3pm_" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>
    /// Starts `qd3pm node` on <paramref name="host"/> with its certificate and the production hocon; coordinator nodes
    /// get the journal and a management endpoint on the host's loopback.
    /// </summary>
    public Qd3pmProcess StartNode(TestHost host, string roles, IEnumerable<TestHost> seeds, string? journal = null)
    {
        var args = new List<string>
        {
            "node", "--host", host.Address, "--port", TestHost.ClusterPort.ToString(), "--roles", roles,
            "--seeds", string.Join(',', seeds.Select(s => s.ClusterAddress)), "--certs", Path.Combine(Certificates, host.Address),
            "--hocon", Hocon, "--join-timeout", "60",
        };
        if (journal is not null)
            args.AddRange(["--journal", journal, "--mgmt-port", TestHost.ManagementPort.ToString()]);
        var process = Qd3pmProcess.StartIn(host.Netns, $"{host.Name}[{roles}]", [.. args]);
        lock (_processes) _processes.Add(process);
        return process;
    }

    /// <summary>
    /// The test cluster: a coordinator node (with <paramref name="journal"/>) on each of the first
    /// <paramref name="coordinators"/> hosts and a simulator worker on every other host, all listing the coordinator
    /// hosts as seeds. The first coordinator is started alone and up before the rest, so it is the oldest and hosts the
    /// singleton. With <paramref name="waitUntilUp"/> false (a restart) the nodes are only started.
    /// </summary>
    public async Task<TestCluster> StartClusterAsync(string journal, int coordinators = 1, bool waitUntilUp = true)
    {
        var seeds = Hosts.Take(coordinators).ToArray();
        var first = StartNode(seeds[0], "coordinator", seeds, journal);
        if (waitUntilUp)
            await first.WaitForOutputAsync("node up", NodeUpTimeout);
        var others = seeds.Skip(1).Select(h => StartNode(h, "coordinator", seeds, journal)).ToList();
        var workers = Hosts.Skip(coordinators).Select(h => StartNode(h, "simulator", seeds)).ToList();
        var cluster = new TestCluster([first, .. others], workers);
        if (waitUntilUp)
        {
            foreach (var p in cluster.All)
                await p.WaitForOutputAsync("node up", NodeUpTimeout);
        }
        return cluster;
    }

    /// <summary>How long a node in a namespace may take to print "node up" (start-up, TLS, joining).</summary>
    public static readonly TimeSpan NodeUpTimeout = TimeSpan.FromSeconds(90);

    /// <summary>A management client of the coordinator node on <paramref name="host"/>, called from inside that host.</summary>
    public GrpcRunClient Management(TestHost host)
    {
        var forward = Forward(host, new IPEndPoint(IPAddress.Loopback, TestHost.ManagementPort));
        return new GrpcRunClient(forward.Address, ClusterCredentials.Load(Path.Combine(Certificates, "client"), CertificateUsage.Client));
    }

    /// <summary>The journal's rows, read from inside the PostgreSQL host (a partition never hides them from the test).</summary>
    public JournalRows Journal(string journal)
    {
        var forward = Forward(DatabaseHost, new IPEndPoint(IPAddress.Parse(DatabaseHost.Address), Postgres.Port));
        var connection = journal["postgres:".Length..]
            .Replace($"Host={DatabaseHost.Address};Port={Postgres.Port}", $"Host=127.0.0.1;Port={forward.Port}", StringComparison.Ordinal);
        return new JournalRows(connection + ";Pooling=false");
    }

    private NamespaceForward Forward(TestHost host, IPEndPoint target)
    {
        var forward = new NamespaceForward(host.Netns, target);
        lock (_forwards) _forwards.Add(forward);
        return forward;
    }

    /// <summary>Pulls the host's cable: its switch port goes down, so no packet reaches it or leaves it.</summary>
    public void Cut(TestHost host) => NetworkNamespaces.Ip("-n", _switch, "link", "set", host.SwitchPort, "down");

    public void Heal(TestHost host) => NetworkNamespaces.Ip("-n", _switch, "link", "set", host.SwitchPort, "up");

    public string Describe()
    {
        lock (_processes)
            return string.Join("\n", _processes.Select(p => p.Describe()));
    }

    public void Dispose()
    {
        lock (_processes)
        {
            foreach (var p in _processes)
                p.Dispose();
        }
        lock (_forwards)
        {
            foreach (var f in _forwards)
                f.Dispose();
        }
        _postgres?.Dispose();
        // Whatever still runs inside (a process started behind our back, a postmaster pg_ctl could not stop) is
        // killed by pid before its namespace goes; the switch goes last, taking the bridge and every veth with it.
        foreach (var netns in Enumerable.Reverse(_namespaces))
            NetworkNamespaces.Remove(netns);
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

/// <summary>The processes of <see cref="TestHosts.StartClusterAsync"/>: coordinator nodes first (the oldest at 0), then workers.</summary>
public sealed record TestCluster(IReadOnlyList<Qd3pmProcess> Coordinators, IReadOnlyList<Qd3pmProcess> Workers)
{
    public IEnumerable<Qd3pmProcess> All => Coordinators.Concat(Workers);
}
