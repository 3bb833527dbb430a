using System.Diagnostics;

namespace QD3PM.Seed.Tests.Support;

/// <summary>
/// A private PostgreSQL server for the journal tests: initdb into a temp dir (as user postgres when running as
/// root), started on a free 127.0.0.1 port with fsync off, one database created; stopped and deleted in Dispose.
/// Needs the server binaries (/usr/lib/postgresql/*/bin; scripts/test.sh installs them when missing).
/// </summary>
public sealed class PostgresFixture : IDisposable
{
    private readonly string _bin;
    private readonly string _dataDir;
    private readonly bool _asPostgresUser;

    public PostgresFixture()
    {
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
        Port = FreePort.Get();
        Pg("initdb", "-D", _dataDir, "-A", "trust", "-U", "postgres", "--no-sync");
        Start();
    }

    public string? Error { get; }
    public int Port { get; }
    private bool Started { get; set; }

    /// <summary>Starts the server (again, after <see cref="Crash"/>) on the same port and data directory.</summary>
    public void Start()
    {
        Pg("pg_ctl", "-D", _dataDir, "-l", Path.Combine(_dataDir, "server.log"), "-w", "-t", "30",
            "-o", $"-c fsync=off -c synchronous_commit=off -c full_page_writes=off -k /tmp -h 127.0.0.1 -p {Port}", "start");
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
        Pg("createdb", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "postgres", name);
        return $"Host=127.0.0.1;Port={Port};Database={name};Username=postgres;Password=unused;Pooling=true";
    }

    public void Dispose()
    {
        if (Started)
        {
            try { Pg("pg_ctl", "-D", _dataDir, "-m", "immediate", "-w", "stop"); } catch (InvalidOperationException) { }
        }
        if (_dataDir.Length > 0)
        {
            try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private void Pg(string tool, params string[] args)
    {
        var exe = Path.Combine(_bin, tool);
        if (_asPostgresUser)
            Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else
            Run(exe, args);
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
