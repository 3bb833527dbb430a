using QD3PM.Protocol.Qpu;

namespace QD3PM.Nodes.Qpu.Emulator;

/// <summary>One row of the emulator's ledger: a job (by idempotency key) and, once executed, its results.</summary>
public sealed record LedgerJob
{
    public required string JobId { get; init; }
    public required string IdempotencyKey { get; init; }
    public required string ContentHash { get; init; }
    public int Circuits { get; init; }
    public int Shots { get; init; }
    public JobState State { get; init; }
    public FailureKind Failure { get; init; }
    public string Message { get; init; } = "";
    public int Attempt { get; init; }
    public double QueueMs { get; init; }
    public double RunMs { get; init; }
    public double Cost { get; init; }
    public string Client { get; init; } = "";

    /// <summary>Counts per circuit (only for a done job).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, int>>? Results { get; init; }
}
