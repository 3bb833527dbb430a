using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QD3PM.Nodes.Security;

/// <summary>
/// One identity's TLS material from a `--certs DIR` directory: the cluster CA certificate and this identity's
/// certificate with its private key. <see cref="Load"/> refuses (one line naming the file) anything that cannot work:
/// a missing or unreadable file, a key readable by others, a certificate that is expired, not yet valid, not issued
/// by the CA, or without the usages its role needs. <see cref="Accepts"/> is the one rule every TLS peer is checked
/// by: its chain must end in this CA (and only this CA: the system's trusted roots do not count).
/// </summary>
public sealed class ClusterCredentials : IDisposable
{
    private ClusterCredentials(string directory, X509Certificate2 ca, X509Certificate2 certificate)
    {
        Directory = directory;
        Ca = ca;
        Certificate = certificate;
    }

    public string Directory { get; }

    /// <summary>The cluster CA: the only root a peer's certificate may chain to.</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>This identity's certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    public string CaPath => Path.Combine(Directory, CertificateFiles.CaCertificate);
    public string CertificatePath => Path.Combine(Directory, CertificateFiles.Certificate);

    /// <summary>Loads and checks DIR/ca.crt, DIR/tls.crt and DIR/tls.key for an identity used as <paramref name="usage"/>.</summary>
    public static ClusterCredentials Load(string directory, CertificateUsage usage)
    {
        if (!System.IO.Directory.Exists(directory))
            throw new ClusterCertificateException($"{directory}: missing (no such certificate directory; make one with `qd3pm certs create`)");
        var caPath = Path.Combine(directory, CertificateFiles.CaCertificate);
        var certPath = Path.Combine(directory, CertificateFiles.Certificate);
        var keyPath = Path.Combine(directory, CertificateFiles.Key);
        var ca = PemFiles.ReadCertificate(caPath);
        if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            throw new ClusterCertificateException($"{caPath}: not a CA certificate");
        CheckTime(caPath, ca);
        var certText = PemFiles.ReadText(certPath);
        var keyText = PemFiles.ReadText(keyPath);
        PemFiles.CheckPrivate(keyPath);
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certText, keyText);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // Tell which of the two files is at fault.
            try { X509Certificate2.CreateFromPem(certText).Dispose(); }
            catch (Exception inner) when (inner is CryptographicException or ArgumentException)
            {
                throw new ClusterCertificateException($"{certPath}: unreadable (not a PEM certificate: {PemFiles.OneLine(inner.Message)})", inner);
            }
            throw new ClusterCertificateException($"{keyPath}: unreadable or not the key of {certPath} ({PemFiles.OneLine(ex.Message)})", ex);
        }
        CheckTime(certPath, certificate);
        var credentials = new ClusterCredentials(directory, ca, certificate);
        if (!credentials.Accepts(certificate, usage, out var reason))
        {
            credentials.Dispose();
            throw new ClusterCertificateException($"{certPath}: {reason}");
        }
        return credentials;
    }

    /// <summary>
    /// Whether <paramref name="peer"/> is a certificate of this cluster usable as <paramref name="usage"/>: its chain
    /// ends in <see cref="Ca"/> with the system's roots ignored, it is valid now, and it declares the usages.
    /// </summary>
    public bool Accepts(X509Certificate? peer, CertificateUsage usage, out string reason)
    {
        if (peer is null)
        {
            reason = "no certificate presented";
            return false;
        }
        var certificate = peer as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(peer.GetRawCertData());
        try
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(Ca);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.DisableCertificateDownloads = true;
            if (!chain.Build(certificate))
            {
                var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, s) => all | s.Status);
                reason = Describe(certificate, flags);
                return false;
            }
            var root = chain.ChainElements[^1].Certificate;
            if (!root.RawDataMemory.Span.SequenceEqual(Ca.RawDataMemory.Span) || chain.ChainElements.Count < 2)
            {
                reason = $"not issued by the cluster CA ({Ca.Subject})";
                return false;
            }
            var declared = CertificateUsages.Of(certificate);
            var missing = CertificateUsages.Required(usage).Where(u => !declared.Contains(u)).ToList();
            if (missing.Count > 0)
            {
                reason = usage == CertificateUsage.Node
                    ? "not a node certificate (a client certificate cannot join the cluster)"
                    : $"lacks the extended key usage {string.Join(", ", missing)}";
                return false;
            }
            reason = "";
            return true;
        }
        finally
        {
            if (!ReferenceEquals(certificate, peer))
                certificate.Dispose();
        }
    }

    private string Describe(X509Certificate2 certificate, X509ChainStatusFlags flags)
    {
        if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotSignatureValid)) != 0)
            return $"{certificate.Subject} is not issued by the cluster CA ({Ca.Subject}; issuer: {certificate.Issuer})";
        if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
            return $"{certificate.Subject} is expired or not yet valid (valid {Date(certificate.NotBefore)} to {Date(certificate.NotAfter)})";
        return $"{certificate.Subject} is not valid ({flags})";
    }

    private static void CheckTime(string path, X509Certificate2 certificate)
    {
        var now = DateTime.Now;
        if (certificate.NotAfter < now)
            throw new ClusterCertificateException($"{path}: expired on {Date(certificate.NotAfter)}");
        if (certificate.NotBefore > now)
            throw new ClusterCertificateException($"{path}: not valid before {Date(certificate.NotBefore)}");
    }

    private static string Date(DateTime local) => local.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public void Dispose()
    {
        Certificate.Dispose();
        Ca.Dispose();
    }
}
