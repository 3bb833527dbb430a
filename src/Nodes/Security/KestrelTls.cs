using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace QD3PM.Nodes.Security;

/// <summary>
/// TLS for the gRPC endpoints (management, QPU): the identity's certificate, TLS 1.2+, and a client certificate of the
/// cluster CA required on every connection (mutual TLS, like Akka remoting); a client without one, or with one of
/// another CA, fails in the handshake before any call reaches a service.
/// </summary>
public static class KestrelTls
{
    public static void Use(ListenOptions listen, ClusterCredentials credentials)
    {
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = credentials.Certificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = ClientCertificateMode.RequireCertificate,
            CheckCertificateRevocation = false,
            ClientCertificateValidation = (certificate, _, _) => credentials.Accepts(certificate, CertificateUsage.Client, out _),
        });
    }
}
