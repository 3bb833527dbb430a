using QD3PM.Nodes.Security;

namespace QD3PM.Seed.Cli;

/// <summary>
/// Every exit code of `qd3pm`, in one place (docs/cli.md lists the same table). Scripts branch on these, so a code
/// keeps its meaning once published.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>An unexpected failure, or a run that ended failed.</summary>
    public const int Failed = 1;

    /// <summary>A bad argument, an unknown run or member.</summary>
    public const int BadArgument = 2;

    /// <summary>The node, cluster or journal could not be reached.</summary>
    public const int Unreachable = 3;

    /// <summary>The node refused the bearer token.</summary>
    public const int TokenRefused = 4;

    /// <summary>A certificate problem (missing, unreadable, expired, wrong CA, plaintext against TLS).</summary>
    public const int Certificate = ClusterCertificateException.ExitCode;

    /// <summary>`qd3pm node` found one of its ports taken by another process.</summary>
    public const int PortInUse = 6;

    /// <summary>The output directory's disk is full (or the directory cannot be written).</summary>
    public const int DiskFull = 7;

    /// <summary>Another `qd3pm train` process holds the run directory.</summary>
    public const int RunDirectoryLocked = 8;

    /// <summary>The run directory's journal.db is empty, truncated or not a journal, or a journal (embedded or a cluster run's) holds a record the run cannot read or write.</summary>
    public const int JournalDamaged = 9;

    /// <summary>`runs pause|resume|cancel` on a run that has already completed, failed or been cancelled.</summary>
    public const int RunFinished = 10;

    /// <summary>The run stopped because its QPU budget is spent (`train`, `runs resume` without a budget above its spending).</summary>
    public const int BudgetExhausted = 11;

    /// <summary>Stopped by Ctrl-C (SIGINT) or SIGTERM (every command but the live views and the servers); 130 as a shell reports a process ended by Ctrl-C.</summary>
    public const int Interrupted = 130;
}
