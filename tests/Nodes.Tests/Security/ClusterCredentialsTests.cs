using QD3PM.Nodes.Security;
using Xunit;

namespace QD3PM.Nodes.Tests.Security;

/// <summary>`certs create` output loads; every bad certificate directory is refused with one line naming the file.</summary>
public sealed class ClusterCredentialsTests : IDisposable
{
    private readonly TestCertificates _certs = new();

    public void Dispose() => _certs.Dispose();

    private static string Refusal(string dir, CertificateUsage usage = CertificateUsage.Node)
    {
        var ex = Assert.Throws<ClusterCertificateException>(() => ClusterCredentials.Load(dir, usage).Dispose());
        Assert.DoesNotContain('\n', ex.Message);
        return ex.Message;
    }

    [Fact]
    public void An_issued_node_identity_loads_and_accepts_its_peers_but_not_foreign_ones()
    {
        using var a = ClusterCredentials.Load(_certs.Issue("192.0.2.11"), CertificateUsage.Node);
        using var b = ClusterCredentials.Load(_certs.Issue("node-b"), CertificateUsage.Node);
        using var client = ClusterCredentials.Load(_certs.Issue("cli", CertificateUsage.Client), CertificateUsage.Client);
        Assert.True(a.Certificate.HasPrivateKey);
        Assert.True(a.Accepts(b.Certificate, CertificateUsage.Node, out _));
        Assert.True(a.Accepts(client.Certificate, CertificateUsage.Client, out _));
        Assert.False(a.Accepts(client.Certificate, CertificateUsage.Node, out var reason));
        Assert.Contains("not a node certificate", reason);
        Assert.False(a.Accepts(null, CertificateUsage.Node, out _));
        Assert.False(a.Accepts(a.Ca, CertificateUsage.Node, out _)); // the CA itself is no member

        using var other = CertificateAuthority.Create(TimeSpan.FromDays(1));
        using var foreign = ClusterCredentials.Load(_certs.Issue("intruder", by: other), CertificateUsage.Node);
        Assert.False(a.Accepts(foreign.Certificate, CertificateUsage.Node, out reason));
        Assert.Contains("not issued by the cluster CA", reason);
    }

    [Fact]
    public void Files_are_written_with_restrictive_permissions()
    {
        if (OperatingSystem.IsWindows())
            return;
        var dir = _certs.Issue("perm");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, CertificateFiles.Key)));
        Assert.Equal(UnixFileMode.None, File.GetUnixFileMode(dir) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead));
    }

    [Fact]
    public void A_missing_directory_or_file_is_named()
    {
        Assert.Contains("missing", Refusal(Path.Combine(_certs.Root, "nowhere")));
        var dir = _certs.Issue("n1");
        File.Delete(Path.Combine(dir, CertificateFiles.Key));
        Assert.StartsWith(Path.Combine(dir, CertificateFiles.Key) + ": missing", Refusal(dir));
    }

    [Fact]
    public void An_unreadable_or_garbled_file_is_named()
    {
        var dir = _certs.Issue("n2");
        var cert = Path.Combine(dir, CertificateFiles.Certificate);
        File.WriteAllText(cert, "not a certificate");
        Assert.StartsWith(cert + ": unreadable", Refusal(dir));
        File.Delete(cert);
        Directory.CreateDirectory(cert);
        Assert.StartsWith(cert + ": unreadable", Refusal(dir));
    }

    [Fact]
    public void An_expired_or_not_yet_valid_certificate_is_refused()
    {
        var expired = _certs.Issue("old", from: TimeSpan.FromDays(-3), until: TimeSpan.FromDays(-1));
        Assert.StartsWith(Path.Combine(expired, CertificateFiles.Certificate) + ": expired on ", Refusal(expired));
        var future = _certs.Issue("future", from: TimeSpan.FromDays(1), until: TimeSpan.FromDays(3));
        Assert.StartsWith(Path.Combine(future, CertificateFiles.Certificate) + ": not valid before ", Refusal(future));
    }

    [Fact]
    public void A_certificate_of_another_CA_is_refused()
    {
        var dir = _certs.Issue("n3");
        using var other = CertificateAuthority.Create(TimeSpan.FromDays(1));
        File.Delete(Path.Combine(dir, CertificateFiles.CaCertificate));
        File.WriteAllText(Path.Combine(dir, CertificateFiles.CaCertificate), other.Certificate.ExportCertificatePem());
        Assert.Contains("not issued by the cluster CA", Refusal(dir));
    }

    [Fact]
    public void A_key_readable_by_others_or_of_another_certificate_is_refused()
    {
        if (OperatingSystem.IsWindows())
            return;
        var dir = _certs.Issue("n4");
        var key = Path.Combine(dir, CertificateFiles.Key);
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.StartsWith(key + ": readable by other users", Refusal(dir));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var otherDir = _certs.Issue("n5");
        File.Copy(Path.Combine(otherDir, CertificateFiles.Key), key, overwrite: true);
        Assert.StartsWith(key + ": unreadable or not the key of", Refusal(dir));
    }

    [Fact]
    public void A_client_certificate_cannot_serve_as_a_node()
    {
        var dir = _certs.Issue("cli2", CertificateUsage.Client);
        Assert.Contains("not a node certificate", Refusal(dir));
    }

    [Fact]
    public void An_existing_CA_is_loaded_back_to_issue_more()
    {
        var caDir = Path.Combine(_certs.Root, CertificateFiles.CaDirectory);
        _certs.Ca.WriteCa(caDir);
        using var again = CertificateAuthority.Load(caDir);
        using var issued = again.Issue("later", CertificateUsage.Node, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var first = ClusterCredentials.Load(_certs.Issue("first"), CertificateUsage.Node);
        Assert.True(first.Accepts(issued, CertificateUsage.Node, out _));
    }
}
