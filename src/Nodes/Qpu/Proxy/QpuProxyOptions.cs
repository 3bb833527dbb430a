namespace QD3PM.Nodes.Qpu.Proxy;

/// <summary>Settings of a QPU-proxy worker (`qd3pm node --roles qpu-proxy --qpu URL ...`).</summary>
public sealed record QpuProxyOptions
{
    public required Uri Url { get; init; }
    public string? Token { get; init; }

    /// <summary>TLS identity for an https:// QPU (the node's --certs); null: plaintext, loopback only with a token.</summary>
    public QD3PM.Nodes.Security.ClusterCredentials? Certificates { get; init; }

    /// <summary>Most shots one run may spend through this proxy (null: unlimited). Checked before every submission.</summary>
    public long? BudgetShots { get; init; }

    /// <summary>Most cost (backend prices) one run may spend through this proxy (null: unlimited).</summary>
    public double? BudgetCost { get; init; }

    /// <summary>Shots per circuit when the run's spec does not set --shots.</summary>
    public int DefaultShots { get; init; } = 1000;

    /// <summary>Work items in flight at once (each submits its own jobs).</summary>
    public int Capacity { get; init; } = 4;

    /// <summary>Deadline of every unary call.</summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Deadline of one WatchJob stream (it is re-opened when it passes).</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Deadline a job carries: still queued then, the QPU fails it (transient) and the proxy submits again.</summary>
    public TimeSpan JobDeadline { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Name written into the QPU's ledger for the jobs of this proxy.</summary>
    public string Client { get; init; } = Environment.MachineName;

    /// <summary>Where status lines go (outages, recovery, budget); stderr by default, like every log line.</summary>
    public Action<string> Log { get; init; } = Console.Error.WriteLine;
}
