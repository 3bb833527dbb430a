using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QD3PM.Nodes.Security;

/// <summary>
/// The cluster's own certificate authority (ECDSA P-256, .NET's CertificateRequest): `qd3pm certs create` makes it
/// once and issues one certificate per node plus one for the CLI. Keys are written mode 600 in directories of mode
/// 700; nothing here implements cryptography, it only fills in certificate requests.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private const string CaSubject = "CN=qd3pm cluster CA";
    private readonly ECDsa _key;

    private CertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA valid from now for <paramref name="validity"/>.</summary>
    public static CertificateAuthority Create(TimeSpan validity)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(CaSubject + $", O=qd3pm {Guid.NewGuid():N}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + validity);
        return new CertificateAuthority(certificate, key);
    }

    /// <summary>Loads the CA of an earlier `certs create` (DIR/ca/ca.crt and ca.key) to issue more certificates.</summary>
    public static CertificateAuthority Load(string caDirectory)
    {
        var certPath = Path.Combine(caDirectory, CertificateFiles.CaCertificate);
        var keyPath = Path.Combine(caDirectory, CertificateFiles.CaKey);
        var certificate = PemFiles.ReadCertificate(certPath);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(PemFiles.ReadText(keyPath));
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new ClusterCertificateException($"{keyPath}: not a PEM ECDSA private key ({ex.Message})", ex);
        }
        using var publicKey = certificate.GetECDsaPublicKey();
        if (publicKey is null || !publicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(key.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            throw new ClusterCertificateException($"{keyPath}: does not belong to the CA certificate {certPath}");
        }
        return new CertificateAuthority(certificate, key);
    }

    /// <summary>
    /// Issues a certificate for <paramref name="name"/> (a DNS name or an IP address, put into the subject alternative
    /// name) with the usages of <paramref name="usage"/>, valid from <paramref name="notBefore"/> to
    /// <paramref name="notAfter"/> (capped by the CA's own validity). The result carries its private key.
    /// </summary>
    public X509Certificate2 Issue(string name, CertificateUsage usage, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + name.Replace(",", "\\,")), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        var usages = new OidCollection();
        foreach (var oid in CertificateUsages.Required(usage))
            usages.Add(new Oid(oid));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        if (usage != CertificateUsage.Client)
        {
            var san = new SubjectAlternativeNameBuilder();
            if (IPAddress.TryParse(name, out var ip))
                san.AddIpAddress(ip);
            else
                san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
        }
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (notAfter > Certificate.NotAfter)
            notAfter = Certificate.NotAfter;
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // a positive serial number
        var generator = X509SignatureGenerator.CreateForECDsa(_key);
        using var issued = request.Create(Certificate.SubjectName, generator, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes DIR/ca.crt and DIR/ca.key (the CA directory).</summary>
    public void WriteCa(string directory)
    {
        PemFiles.CreatePrivateDirectory(directory);
        PemFiles.WriteNew(Path.Combine(directory, CertificateFiles.CaCertificate), Certificate.ExportCertificatePem(), secret: false);
        PemFiles.WriteNew(Path.Combine(directory, CertificateFiles.CaKey), _key.ExportPkcs8PrivateKeyPem(), secret: true);
    }

    /// <summary>Writes one identity's directory: ca.crt, tls.crt and tls.key.</summary>
    public void WriteIdentity(string directory, X509Certificate2 issued)
    {
        PemFiles.CreatePrivateDirectory(directory);
        using var key = issued.GetECDsaPrivateKey() ?? throw new InvalidOperationException("issued certificate without an ECDSA key");
        PemFiles.WriteNew(Path.Combine(directory, CertificateFiles.CaCertificate), Certificate.ExportCertificatePem(), secret: false);
        PemFiles.WriteNew(Path.Combine(directory, CertificateFiles.Certificate), issued.ExportCertificatePem(), secret: false);
        PemFiles.WriteNew(Path.Combine(directory, CertificateFiles.Key), key.ExportPkcs8PrivateKeyPem(), secret: true);
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}
