using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;

namespace QD3PM.Nodes.Security;

/// <summary>A gRPC channel from <see cref="GrpcChannels"/>, with what its TLS handshake refused (for error lines).</summary>
public sealed class ClientChannel : IDisposable
{
    private readonly ClusterCredentials? _credentials;
    private GrpcChannel? _channel;
    private volatile string? _refused;

    internal ClientChannel(Uri uri, ClusterCredentials? credentials)
    {
        Uri = uri;
        _credentials = credentials;
    }

    public Uri Uri { get; }
    public bool Tls => Uri.Scheme == "https";
    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("channel not open");

    /// <summary>Calls through the channel, with the bearer token on each when one was given.</summary>
    public CallInvoker Invoker { get; private set; } = null!;

    internal void Open(GrpcChannel channel, string? token)
    {
        _channel = channel;
        var invoker = channel.CreateCallInvoker();
        Invoker = string.IsNullOrEmpty(token)
            ? invoker
            : invoker.Intercept(metadata =>
            {
                metadata.Add("authorization", "Bearer " + token);
                return metadata;
            });
    }

    internal bool CheckServer(X509Certificate? certificate)
    {
        if (_credentials!.Accepts(certificate, CertificateUsage.Server, out var reason))
            return true;
        _refused = $"the server's certificate was refused: {reason} (checked against {_credentials.CaPath})";
        return false;
    }

    /// <summary>
    /// Why a call failed at the transport, in words, when TLS is the likely cause (null otherwise): a server
    /// certificate of another CA, our certificate refused by the server, or plaintext against a TLS endpoint.
    /// </summary>
    public string? ExplainTransportFailure(RpcException ex)
    {
        if (ex.StatusCode is not (StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown))
            return null;
        if (_refused is { } refused)
            return "TLS handshake failed: " + refused;
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is AuthenticationException auth)
                return Tls
                    ? $"TLS handshake failed: {PemFiles.OneLine(auth.Message)} (does the node trust the CA of {_credentials?.CertificatePath}?)"
                    : $"TLS handshake failed: {PemFiles.OneLine(auth.Message)}";
            if (e is HttpRequestException http && DroppedAtTheHandshake(http))
                return Tls
                    // With TLS 1.3 the node checks our certificate after our side of the handshake is done, so its
                    // refusal arrives as a dropped connection without a reason (seen on a busy machine).
                    ? $"TLS handshake failed: the node closed the connection: this client's certificate ({_credentials?.CertificatePath}) is probably not issued by the cluster CA"
                    : $"the endpoint does not speak plaintext HTTP/2 (it probably requires TLS: give --certs DIR or set ${CertificateFiles.EnvironmentVariable})";
        }
        return null;
    }

    /// <summary>
    /// A TLS endpoint reads a plaintext client's HTTP/2 preface as a broken TLS record and drops the connection; a TLS
    /// endpoint that refuses our certificate drops it too. The client then reports a protocol error, an ended
    /// response, a failed secure connection or, when the drop overtakes its own writes (a busy machine), "the server
    /// did not complete the HTTP/2 handshake" over a reset or an unknown error: the forms vary with timing, so every
    /// failure counts except a connection that was never made (refused, unreachable, timed out, unknown host).
    /// </summary>
    private static bool DroppedAtTheHandshake(HttpRequestException http)
    {
        if (http.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ProxyTunnelError or HttpRequestError.ConnectionError)
            return false;
        for (Exception? e = http.InnerException; e is not null; e = e.InnerException)
        {
            if (e is System.Net.Sockets.SocketException socket && NeverConnected(socket.SocketErrorCode))
                return false;
        }
        return true;
    }

    private static bool NeverConnected(System.Net.Sockets.SocketError error) => error is
        System.Net.Sockets.SocketError.ConnectionRefused or System.Net.Sockets.SocketError.HostUnreachable or
        System.Net.Sockets.SocketError.NetworkUnreachable or System.Net.Sockets.SocketError.TimedOut or
        System.Net.Sockets.SocketError.HostNotFound or System.Net.Sockets.SocketError.HostDown or
        System.Net.Sockets.SocketError.NetworkDown or System.Net.Sockets.SocketError.AddressNotAvailable or
        System.Net.Sockets.SocketError.TryAgain or System.Net.Sockets.SocketError.NoData;

    public void Dispose() => _channel?.Dispose();
}
