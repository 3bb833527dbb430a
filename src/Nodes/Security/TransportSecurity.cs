
namespace QD3PM.Nodes.Security;

/// <summary>
/// The rule "TLS for every bind address other than loopback": a process that listens off loopback (cluster port,
/// management or QPU endpoint) needs --certs; on loopback it may run without (the embedded zero-configuration
/// default). One place, so the node and the QPU service say the same thing.
/// </summary>
public static class TransportSecurity
{
    public static void RequireCertificates(string option, string host, ClusterCredentials? credentials)
    {
        if (credentials is null && !LoopbackHost.Is(host))
            throw new ClusterCertificateException(
                $"{option} {host} is not a loopback address: traffic there must be encrypted and authenticated; give --certs DIR " +
                $"(or ${CertificateFiles.EnvironmentVariable}; make the directory with `qd3pm certs create --out DIR --hosts {host}`)");
    }
}
