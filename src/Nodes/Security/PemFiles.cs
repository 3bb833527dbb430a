using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace QD3PM.Nodes.Security;

/// <summary>Reading and writing the PEM files of <see cref="CertificateFiles"/>, every failure one line naming the file.</summary>
public static class PemFiles
{
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode Public = Secret | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    public static string ReadText(string path)
    {
        if (Directory.Exists(path))
            throw new ClusterCertificateException($"{path}: unreadable (it is a directory)");
        if (!File.Exists(path))
            throw new ClusterCertificateException($"{path}: missing (make certificates with `qd3pm certs create`)");
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ClusterCertificateException($"{path}: unreadable ({ex.Message})", ex);
        }
    }

    public static X509Certificate2 ReadCertificate(string path)
    {
        var text = ReadText(path);
        try
        {
            return X509Certificate2.CreateFromPem(text);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            throw new ClusterCertificateException($"{path}: unreadable (not a PEM certificate: {OneLine(ex.Message)})", ex);
        }
    }

    /// <summary>A private key must not be readable by anyone but its owner (like ssh's keys).</summary>
    public static void CheckPrivate(string path)
    {
        if (OperatingSystem.IsWindows())
            return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            throw new ClusterCertificateException($"{path}: readable by other users (mode {Convert.ToString((int)mode, 8)}); run chmod 600 on it");
    }

    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
            Directory.CreateDirectory(path);
        else
            Directory.CreateDirectory(path, PrivateDirectory);
    }

    /// <summary>Creates <paramref name="path"/> (never overwrites) with mode 600 for secrets, 644 otherwise.</summary>
    public static void WriteNew(string path, string text, bool secret)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = secret ? Secret : Public;
        using var stream = new FileStream(path, options);
        using var writer = new StreamWriter(stream);
        writer.Write(text);
        if (!text.EndsWith('\n'))
            writer.Write('\n');
    }

    public static string OneLine(string text) =>
        string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
