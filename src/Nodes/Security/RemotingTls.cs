using Akka.Event;
using Akka.Remote.Transport.DotNetty;

namespace QD3PM.Nodes.Security;

/// <summary>
/// Akka remoting over TLS with mutual authentication. Akka.NET's DotNetty transport (1.5.74) asks inbound peers for
/// a client certificate when mutual authentication is on and hands both sides' peer certificates to a custom
/// validator; its default validator trusts the system's root store, which knows nothing of our CA, so we pass
/// <see cref="ClusterCredentials.Accepts"/> (chain ending in the cluster CA, node usages) instead. Never
/// suppress-validation. With TLS the address scheme is akka.ssl.tcp, so seeds must be written with it.
/// </summary>
public static class RemotingTls
{
    public const string PlainProtocol = "akka.tcp";
    public const string TlsProtocol = "akka.ssl.tcp";

    /// <summary>HOCON that switches the transport to TLS (the certificate comes from <see cref="Setup"/>).</summary>
    public const string Hocon = "akka.remote.dot-netty.tcp.enable-ssl = on";

    public static string Protocol(bool tls) => tls ? TlsProtocol : PlainProtocol;

    public static DotNettySslSetup Setup(ClusterCredentials credentials) =>
        new(credentials.Certificate, suppressValidation: false, requireMutualAuthentication: true, validateCertificateHostname: false,
            customValidator: (certificate, _, peer, _, log) =>
            {
                if (credentials.Accepts(certificate, CertificateUsage.Node, out var reason))
                    return true;
                log.Warning("TLS: refused cluster peer {0}: {1}", peer, reason);
                return false;
            });
}
