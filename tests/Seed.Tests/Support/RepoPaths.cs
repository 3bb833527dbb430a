namespace QD3PM.Seed.Tests.Support;

/// <summary>Files of the repository and the built `qd3pm` next to the test assembly.</summary>
public static class RepoPaths
{
    /// <summary>qd3pm.dll, copied into the test output by the project reference.</summary>
    public static string Qd3pmDll => Path.Combine(AppContext.BaseDirectory, "qd3pm.dll");

    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "QD3PM.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("repository root (QD3PM.sln) not found above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>deploy/hocon/test.conf: fast failure detection for loopback tests.</summary>
    public static string TestHocon => Path.Combine(Root, "deploy", "hocon", "test.conf");
}
