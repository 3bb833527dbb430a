using QD3PM.Core.Simulation;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>Settings of `qd3pm qpu serve` (see docs/qpu.md).</summary>
public sealed record QpuEmulatorOptions
{
    public string Host { get; init; } = "127.0.0.1";
    public int Port { get; init; } = 5005;

    /// <summary>
    /// True for `qpu serve`: SIGINT/SIGTERM stop the server. False (the default) for an emulator embedded in a command
    /// (the benchmarks, tests), which handles the signals itself and disposes the host (as <c>NodeOptions.StopsOnSignals</c>).
    /// </summary>
    public bool StopsOnSignals { get; init; }

    /// <summary>TLS identity (--certs DIR): TLS with client certificates of the cluster CA; required off loopback.</summary>
    public QD3PM.Nodes.Security.ClusterCredentials? Certificates { get; init; }
    public string Name { get; init; } = "qd3pm-emulator";
    public int Qubits { get; init; } = 16;

    /// <summary>Native gates; the model's zz entangler is not among them, so clients must transpile it.</summary>
    public IReadOnlyList<string> BasisGates { get; init; } = ["rx", "ry", "rz", "cx", "measure", "barrier"];

    /// <summary>Time every job waits in the queue before it may run (emulates a shared cloud queue).</summary>
    public double QueueMs { get; init; } = 300;

    /// <summary>Execution time per shot of each circuit (at least the real simulation time is spent).</summary>
    public double ShotMicroseconds { get; init; } = 5;

    public NoiseModel Noise { get; init; } = new(0.01, 0, 0.02);

    /// <summary>Probability that a job fails transiently when it starts (nothing runs, nothing is billed).</summary>
    public double FailRate { get; init; }

    public long Seed { get; init; } = 1;
    public int MaxShots { get; init; } = 100_000;
    public int MaxCircuitsPerJob { get; init; } = 300;
    public double CostPerShot { get; init; } = 0.00035;
    public double CostPerJob { get; init; } = 0.3;

    /// <summary>SQLite file of the durable job ledger.</summary>
    public string LedgerPath { get; init; } = "qpu-ledger.db";

    /// <summary>
    /// How long a finished job stays in memory (results until fetched, the job until then or this time): afterwards the
    /// ledger answers its key and id. Memory stays flat however long the service runs.
    /// </summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Most finished jobs held in memory at once (the oldest leave first).</summary>
    public int MaxRetainedJobs { get; init; } = 2_000;

    /// <summary>Bearer token every call must carry (none: open).</summary>
    public string? Token { get; init; }

    public void Validate()
    {
        if (Qubits is < 1 or > 30) throw new ArgumentException($"--qubits must be in 1..30, not {Qubits}");
        if (QueueMs < 0) throw new ArgumentException("--queue-ms must not be negative");
        if (ShotMicroseconds < 0) throw new ArgumentException("--shot-us must not be negative");
        if (!(FailRate >= 0 && FailRate < 1)) throw new ArgumentException($"--fail-rate must be in [0, 1), not {FailRate}");
        if (MaxShots < 1) throw new ArgumentException("--max-shots must be at least 1");
        if (MaxCircuitsPerJob < 1) throw new ArgumentException("--max-circuits must be at least 1");
        if (Retention < TimeSpan.Zero) throw new ArgumentException("--retention-s must not be negative");
        if (MaxRetainedJobs < 0) throw new ArgumentException("--max-retained-jobs must not be negative");
        if (Port is < 0 or > 65535) throw new ArgumentException($"--port must be in 0..65535, not {Port}");
        if (Host != "localhost" && !System.Net.IPAddress.TryParse(Host, out _))
            throw new ArgumentException($"--host must be an IP address (e.g. 127.0.0.1 or 0.0.0.0) or localhost, not '{Host}'");
        try
        {
            Noise.Validate();
        }
        catch (ArgumentOutOfRangeException ex)
        {
            throw new ArgumentException("noise: " + ex.Message, ex);
        }
    }
}
