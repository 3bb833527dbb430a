using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QD3PM.Nodes.Security;

/// <summary>
/// What a certificate of the cluster CA may be used for. Node certificates carry server and client authentication
/// (a node accepts and opens connections); the CLI's certificate only client authentication, so a stolen operator
/// certificate can call management endpoints but never join the cluster as a node.
/// </summary>
public enum CertificateUsage
{
    /// <summary>A cluster member (Akka remoting both ways, gRPC servers): serverAuth and clientAuth.</summary>
    Node,

    /// <summary>Any caller of a gRPC endpoint: clientAuth.</summary>
    Client,

    /// <summary>A gRPC server as seen by its clients: serverAuth.</summary>
    Server,
}

/// <summary>The extended key usage object identifiers behind <see cref="CertificateUsage"/>.</summary>
public static class CertificateUsages
{
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";

    public static IReadOnlyList<string> Required(CertificateUsage usage) => usage switch
    {
        CertificateUsage.Node => [ServerAuth, ClientAuth],
        CertificateUsage.Client => [ClientAuth],
        _ => [ServerAuth],
    };

    /// <summary>The extended key usages a certificate declares (none: empty).</summary>
    public static IReadOnlySet<string> Of(X509Certificate2 certificate)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var extension in certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>())
            foreach (Oid oid in extension.EnhancedKeyUsages)
                if (oid.Value is { } value)
                    set.Add(value);
        return set;
    }
}
