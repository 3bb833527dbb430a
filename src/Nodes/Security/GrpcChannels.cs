using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Net.Client;

namespace QD3PM.Nodes.Security;

/// <summary>
/// The one place gRPC client channels are made (management clients of the CLI, QPU-proxy workers): plaintext h2c to
/// loopback without --certs; with --certs, TLS presenting our certificate and accepting only a server certificate of
/// the cluster CA. A bearer token is never sent in clear text off loopback.
/// </summary>
public static class GrpcChannels
{
    /// <param name="address">HOST:PORT (https with credentials, http without) or an http:// / https:// URL.</param>
    /// <param name="what">Option name for error lines (--node, --cluster, --qpu).</param>
    public static ClientChannel Create(string address, string what, ClusterCredentials? credentials, string? token,
        Action<SocketsHttpHandler>? configureHandler = null, Action<GrpcChannelOptions>? configureChannel = null)
    {
        var text = address.Contains("://", StringComparison.Ordinal) ? address : (credentials is null ? "http://" : "https://") + address;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Port <= 0 || string.IsNullOrEmpty(uri.Host))
            throw new ArgumentException($"{what} must be HOST:PORT or an http(s):// URL, not '{address}'");
        if (uri.Scheme == "https" && credentials is null)
            throw new ClusterCertificateException($"{what} {address} uses TLS: give --certs DIR (or ${CertificateFiles.EnvironmentVariable}) with the cluster CA to check it against");
        if (uri.Scheme == "http" && !string.IsNullOrEmpty(token) && !LoopbackHost.Is(uri.Host))
            throw new ClusterCertificateException($"refusing to send the token to {uri.Host} in clear text: give --certs DIR (or ${CertificateFiles.EnvironmentVariable}) so {what} is reached over TLS");

        var channel = new ClientChannel(uri, credentials);
        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        if (uri.Scheme == "https" && credentials is not null)
        {
            handler.SslOptions = new SslClientAuthenticationOptions
            {
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificates = new X509CertificateCollection { credentials.Certificate },
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => channel.CheckServer(certificate),
            };
        }
        configureHandler?.Invoke(handler);
        var options = new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true };
        configureChannel?.Invoke(options);
        channel.Open(GrpcChannel.ForAddress(uri, options), token);
        return channel;
    }
}
