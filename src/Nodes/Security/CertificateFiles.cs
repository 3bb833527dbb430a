namespace QD3PM.Nodes.Security;

/// <summary>
/// The layout `qd3pm certs create --out DIR` writes and `--certs DIR` reads. One directory per identity holds the
/// cluster CA certificate and that identity's certificate and private key (PEM, the names of a Kubernetes TLS
/// Secret); the CA's own key stays in DIR/ca, which is never handed to a node.
/// </summary>
public static class CertificateFiles
{
    /// <summary>The cluster CA certificate (public): every peer is checked against it.</summary>
    public const string CaCertificate = "ca.crt";

    /// <summary>The CA's private key, only in the CA directory: whoever holds it can mint cluster members.</summary>
    public const string CaKey = "ca.key";

    /// <summary>This identity's certificate, issued by the cluster CA.</summary>
    public const string Certificate = "tls.crt";

    /// <summary>This identity's private key (mode 600).</summary>
    public const string Key = "tls.key";

    /// <summary>Sub-directory of the output holding the CA certificate and key.</summary>
    public const string CaDirectory = "ca";

    /// <summary>Sub-directory of the output holding the CLI's client certificate (client authentication only).</summary>
    public const string ClientDirectory = "client";

    /// <summary>Environment variable the CLI and nodes read when --certs is not given.</summary>
    public const string EnvironmentVariable = "QD3PM_CERTS";
}
