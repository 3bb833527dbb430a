using System.Net.Sockets;
using Grpc.Core;
using QD3PM.Nodes.Security;
using Xunit;

namespace QD3PM.Nodes.Tests.Security;

/// <summary>
/// How a plaintext client explains a failed call: a TLS endpoint dropping the HTTP/2 preface (in any of the forms a
/// busy machine produces) is "probably requires TLS"; a connection that was never made is not.
/// </summary>
public sealed class ClientChannelTests
{
    private static string? Explain(Exception transport)
    {
        using var channel = GrpcChannels.Create("127.0.0.1:1", "--node", null, null);
        var ex = new RpcException(new Status(StatusCode.Internal, "Error starting gRPC call. " + transport.Message, transport));
        return channel.ExplainTransportFailure(ex);
    }

    [Fact]
    public void A_reset_during_the_HTTP2_handshake_means_the_endpoint_wants_TLS()
    {
        var reset = new HttpRequestException(HttpRequestError.Unknown,
            "An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.",
            new IOException("Unable to write data to the transport connection", new SocketException((int)SocketError.ConnectionReset)));
        Assert.Contains("requires TLS", Explain(reset));
        Assert.Contains("requires TLS", Explain(new HttpRequestException(HttpRequestError.HttpProtocolError, "bad frame")));
        Assert.Contains("requires TLS", Explain(new HttpRequestException(HttpRequestError.ResponseEnded, "ended")));
        // Seen in CI: the HTTP/2 preface failed with neither a socket error code nor a protocol error.
        Assert.Contains("requires TLS", Explain(new HttpRequestException(HttpRequestError.Unknown,
            "An HTTP/2 connection could not be established because the server did not complete the HTTP/2 handshake.")));
        Assert.Contains("requires TLS", Explain(new HttpRequestException(HttpRequestError.SecureConnectionError, "eof",
            new IOException("Received an unexpected EOF or 0 bytes from the transport stream."))));
    }

    [Fact]
    public void A_refused_or_unresolvable_connection_is_not_a_TLS_problem()
    {
        Assert.Null(Explain(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused",
            new SocketException((int)SocketError.ConnectionRefused))));
        Assert.Null(Explain(new HttpRequestException(HttpRequestError.NameResolutionError, "no such host",
            new SocketException((int)SocketError.HostNotFound))));
        Assert.Null(Explain(new HttpRequestException(HttpRequestError.ConnectionError, "timed out", new TimeoutException())));
        Assert.Null(Explain(new HttpRequestException(HttpRequestError.Unknown, "unreachable",
            new IOException("no route", new SocketException((int)SocketError.HostUnreachable)))));
    }
}
