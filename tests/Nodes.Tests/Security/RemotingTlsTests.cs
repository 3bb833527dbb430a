using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Security;
using Xunit;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Nodes.Tests.Security;

/// <summary>
/// The server side of Akka remoting over TLS, probed with a raw TLS client: a node accepts a peer with a certificate of
/// the cluster CA, and refuses one without a certificate, with a certificate of another CA, or with the CLI's
/// client-only certificate, in the handshake, before any Akka message is read.
/// </summary>
public sealed class RemotingTlsTests : IDisposable
{
    private readonly TestCertificates _certs = new();

    public void Dispose() => _certs.Dispose();

    [Fact]
    public async Task A_TLS_node_refuses_peers_without_a_certificate_of_the_cluster_CA()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var credentials = ClusterCredentials.Load(_certs.Issue("127.0.0.1"), CertificateUsage.Node);
        var options = new NodeOptions
        {
            Roles = [NodeRoles.Simulator], Port = 0, Certificates = credentials,
        };
        await using var node = await NodeHost.StartAsync(options, cancellationToken: timeout.Token);
        Assert.True(await node.WaitUntilUpAsync(TimeSpan.FromSeconds(20), timeout.Token));
        Assert.Equal(RemotingTls.TlsProtocol, node.SelfAddress.Protocol);
        var port = node.SelfAddress.Port!.Value;

        using var member = ClusterCredentials.Load(_certs.Issue("member"), CertificateUsage.Node);
        Assert.True(await HandshakeHoldsAsync(port, member.Certificate), "a certificate of the cluster CA must be accepted");

        Assert.False(await HandshakeHoldsAsync(port, null), "a peer without a client certificate was accepted");
        using var other = CertificateAuthority.Create(TimeSpan.FromDays(1));
        using var foreign = ClusterCredentials.Load(_certs.Issue("intruder", by: other), CertificateUsage.Node);
        Assert.False(await HandshakeHoldsAsync(port, foreign.Certificate), "a certificate of another CA was accepted");
        using var client = ClusterCredentials.Load(_certs.Issue("cli", CertificateUsage.Client), CertificateUsage.Client);
        Assert.False(await HandshakeHoldsAsync(port, client.Certificate), "a client-only certificate was accepted as a cluster peer");
    }

    /// <summary>
    /// Connects with <paramref name="certificate"/> (trusting any server) and reports whether the connection is still
    /// open 2 s after the handshake: a refused client certificate ends it (TLS 1.3 sends the alert after the
    /// client's handshake completes, so the refusal shows on the first read).
    /// </summary>
    private static async Task<bool> HandshakeHoldsAsync(int port, X509Certificate2? certificate)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port);
        await using var tls = new SslStream(tcp.GetStream());
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "127.0.0.1",
                ClientCertificates = certificate is null ? null : new X509CertificateCollection { certificate },
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
                LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
            });
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            var read = await tls.ReadAsync(new byte[16], wait.Token);
            return read > 0;
        }
        catch (OperationCanceledException)
        {
            return true; // nothing to read, connection open: the server accepted us
        }
        catch (Exception ex) when (ex is IOException or System.Security.Authentication.AuthenticationException)
        {
            return false;
        }
    }
}
