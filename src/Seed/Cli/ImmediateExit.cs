using System.Runtime.InteropServices;

namespace QD3PM.Seed.Cli;

/// <summary>
/// Ends the process at once, without running exit handlers: Akka's would first wait for the coordinated shutdown of
/// every actor system in the process, which is what a second stop signal (or a command that does not stop in time)
/// must not wait for.
/// </summary>
public static partial class ImmediateExit
{
    public static void Now(int code)
    {
        Console.Error.Flush();
        Console.Out.Flush();
        if (OperatingSystem.IsWindows())
            Environment.Exit(code);
        else
            PosixExit(code);
    }

    [LibraryImport("libc", EntryPoint = "_exit")]
    private static partial void PosixExit(int status);
}
