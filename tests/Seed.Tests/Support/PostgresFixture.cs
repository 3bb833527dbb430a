using System.Diagnostics;

namespace QD3PM.Seed.Tests.Support;

/// <summary>
/// A private PostgreSQL server for the journal tests: initdb into a temp dir (as user postgres when running as
/// root), started on a free 127.0.0.1 port with fsync off, one database created; stopped and deleted in Dispose.
/// The multi-host tests start it inside a network namespace of its own instead (<c>ip netns exec</c>), listening on
/// that host's address and trusting the test hosts' subnet.
/// Needs the server binaries (/usr/lib/postgresql/*/bin; scripts/test.sh installs them when missing).
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly string _bin;
    private readonly string _dataDir;
    private readonly bool _asPostgresUser;
    private readonly string? _netns;

    /// <param name="netns">Network namespace to run the server in (null: the machine's own, on loopback).</param>
    /// <param name="listen">Address to listen on; inside a namespace, that host's address.</param>
    /// <param name="trustedSubnet">CIDR whose clients may connect (besides loopback), e.g. the test hosts' subnet.</param>
    public PostgresFixture(string? netns = null, string listen = "127.0.0.1", string? trustedSubnet = null)
    {
        _netns = netns;
        Host = listen;
        _bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "pg_ctl"))).OrderDescending().FirstOrDefault() ?? ""
            : "";
        if (_bin.Length == 0)
        {
            Error = "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin (run scripts/test.sh, which installs them)";
            _dataDir = "";
            return;
        }
        _asPostgresUser = Environment.UserName == "root";
        _dataDir = Path.Combine(Path.GetTempPath(), "qd3pm-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dataDir);
        if (_asPostgresUser)
            Run("chown", "postgres", _dataDir);
        // A namespace has its own ports: the standard one is free there.
        Port = netns is null ? FreePort.Get() : 5432;
        Pg("initdb", "-D", _dataDir, "-A", "trust", "-U", "postgres", "--no-sync");
        if (trustedSubnet is not null)
            File.AppendAllText(Path.Combine(_dataDir, "pg_hba.conf"), $"\nhost all all {trustedSubnet} trust\n");
        Start();
    }

    public string? Error { get; }
    public string Host { get; } = "127.0.0.1";
    public int Port { get; }
    private bool Started { get; set; }

    /// <summary>Starts the server (again, after <see cref="Crash"/>) on the same port and data directory.</summary>
    public void Start()
    {
        // Unix sockets live in the shared file system: a namespaced server on 5432 keeps its own in its data directory.
        var socketDirectory = _netns is null ? "/tmp" : _dataDir;
        Pg("pg_ctl", "-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "30",
            "-o", $"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -k {socketDirectory} -h {Host} -p {Port}", "start");
        Started = true;
    }

    /// <summary>`pg_ctl -m immediate stop`: the server dies without a clean shutdown (connections are cut).</summary>
    public void Crash()
    {
        Pg("pg_ctl", "-D", _dataDir, "-m", "immediate", "-w", "stop");
        Started = false;
    }

    /// <summary>Creates a fresh database and returns its connection string.</summary>
    public string CreateDatabase(string name)
    {
        if (Error is not null)
            throw new InvalidOperationException(Error);
        Pg("createdb", "-h", Host, "-p", Port.ToString(), "-U", "postgres", name);
        return $"Host={Host};Port={Port};Database={name};Username=postgres;Password=unused;Pooling=true";
    }

    public void Dispose()
    {
        if (Started)
        {
            try { Pg("pg_ctl", "-D", _dataDir, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { KillPostmaster(); }
        }
        if (_dataDir.Length > 0)
        {
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>When pg_ctl cannot stop it: SIGKILL the postmaster by the pid in its postmaster.pid.</summary>
    private void KillPostmaster()
    {
        try
        {
            var first = File.ReadLines(Path.Combine(_dataDir, "postmaster.pid")).FirstOrDefault();
            if (int.TryParse(first, out var pid))
            {
                using var p = Process.GetProcessById(pid);
                p.Kill(entireProcessTree: true);
                p.WaitForExit(10_000);
            }
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidOperationException or UnauthorizedAccessException) { }
    }

    private void Pg(string tool, params string[] args)
    {
        var exe = Path.Combine(_bin, tool);
        string[] command = _asPostgresUser ? ["runuser", "-u", "postgres", "--", exe, .. args] : [exe, .. args];
        if (_netns is not null)
            command = ["ip", "netns", "exec", _netns, .. command];
        Run(command[0], command[1..]);
    }

    private static void Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(60_000))
        {
            p.Kill(true);
            throw new InvalidOperationException($"{file} timed out");
        }
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Result}{stdout.Result}");
    }
}
