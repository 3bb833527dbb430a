using QD3PM.Nodes.Security;

namespace QD3PM.Nodes.Tests.Security;

/// <summary>A temp directory with a cluster CA and identities issued by it (or by another CA); deleted in Dispose.</summary>
public sealed class TestCertificates : IDisposable
{
    private readonly CertificateAuthority _ca = CertificateAuthority.Create(TimeSpan.FromDays(30));

    public string Root { get; } = Directory.CreateTempSubdirectory("qd3pm-certs-").FullName;

    public CertificateAuthority Ca => _ca;

    /// <summary>Issues an identity into Root/NAME and returns the directory.</summary>
    public string Issue(string name, CertificateUsage usage = CertificateUsage.Node, TimeSpan? from = null, TimeSpan? until = null, CertificateAuthority? by = null)
    {
        var now = DateTimeOffset.UtcNow;
        var dir = Path.Combine(Root, name);
        using var issued = (by ?? _ca).Issue(name, usage, now + (from ?? TimeSpan.FromMinutes(-5)), now + (until ?? TimeSpan.FromDays(1)));
        (by ?? _ca).WriteIdentity(dir, issued);
        return dir;
    }

    public void Dispose()
    {
        _ca.Dispose();
        try { Directory.Delete(Root, true); } catch (IOException) { }
    }
}
