namespace QD3PM.Seed.Cli;

/// <summary>
/// Where a `--json` command writes its document: the process's real stdout. With --json on the command line,
/// <see cref="Reserve"/> points Console.Out at stderr for everything else (Akka's console logger, progress lines,
/// notes), so stdout carries exactly the JSON and a script can parse it whatever the node logs.
/// </summary>
public static class JsonStdout
{
    private static TextWriter? _reserved;

    /// <summary>
    /// A measured value as a JSON number rounded to <paramref name="digits"/>, or null when it could not be measured
    /// (NaN or infinity: JSON has no such numbers, and System.Text.Json throws on them).
    /// </summary>
    public static double? Number(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : null;

    /// <summary>The writer for JSON output (stdout; Console.Out when nothing was reserved).</summary>
    public static TextWriter Writer => _reserved ?? Console.Out;

    /// <summary>
    /// Keeps stdout for the JSON document and sends every other Console.Out write to stderr, until the returned scope
    /// is disposed (Program.Main runs once per process; tests call it many times in one).
    /// </summary>
    public static IDisposable Reserve()
    {
        var stdout = Console.Out;
        _reserved = stdout;
        Console.SetOut(Console.Error);
        return new Scope(stdout);
    }

    private sealed class Scope(TextWriter stdout) : IDisposable
    {
        public void Dispose()
        {
            _reserved = null;
            Console.SetOut(stdout);
        }
    }

    public static void WriteLine(string json)
    {
        Writer.WriteLine(json);
        Writer.Flush();
    }
}
