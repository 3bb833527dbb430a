using System.Diagnostics;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

/// <summary>
/// A tmpfs of a given size mounted by the test (as root) on a fresh directory, to fill a disk on purpose. Dispose
/// unmounts it and removes the directory, whatever the test did.
/// </summary>
public sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Why a tmpfs cannot be mounted here (not root, no mount permission), or null when it can.</summary>
    public static string? WhyUnavailable => Probe.Value;

    private static readonly Lazy<string?> Probe = new(() =>
    {
        try
        {
            using var probe = Mount("64k");
            return null;
        }
        catch (InvalidOperationException ex)
        {
            return "needs permission to mount a tmpfs: " + ex.Message;
        }
    });

    public static SmallTmpfs Mount(string size)
    {
        var dir = Directory.CreateTempSubdirectory("qd3pm-tmpfs-").FullName;
        var (code, output) = Run("mount", "-t", "tmpfs", "-o", $"size={size}", "tmpfs", dir);
        if (code != 0)
        {
            Directory.Delete(dir);
            throw new InvalidOperationException(output.Trim().Length > 0 ? output.Trim() : $"mount exited {code}");
        }
        return new SmallTmpfs(dir);
    }

    public void Dispose()
    {
        Run("umount", Path);
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }

    private static (int Code, string Output) Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in args)
                info.ArgumentList.Add(a);
            using var p = Process.Start(info)!;
            var error = p.StandardError.ReadToEndAsync();
            var output = p.StandardOutput.ReadToEnd();
            if (!p.WaitForExit(10_000))
            {
                p.Kill();
                return (-1, "timed out");
            }
            return (p.ExitCode, output + error.Result);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return (-1, ex.Message);
        }
    }
}

/// <summary>A test that mounts a tmpfs: skipped, with the reason in one line, where mounting is not permitted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (SmallTmpfs.WhyUnavailable is { } why)
            Skip = why;
    }
}
