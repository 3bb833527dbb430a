namespace QD3PM.Nodes.Security;

/// <summary>
/// A certificate problem a user can fix: a missing, unreadable, expired or foreign certificate, or an address that
/// needs TLS and has none. The message is one line naming the file (or option) and the reason.
/// </summary>
public sealed class ClusterCertificateException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>Exit code of `qd3pm` for every certificate problem (docs/cli.md, docs/security.md).</summary>
    public const int ExitCode = 5;
}
