using Xunit;

namespace QD3PM.Seed.Tests.Support;

/// <summary>The CLI's error contract: exactly one `error:` line on stderr, the expected exit code, no stack trace.</summary>
public static class CliAssert
{
    public static void OneErrorLine(Qd3pmProcess p, string contains, int exitCode)
    {
        Assert.True(p.ExitCode == exitCode, $"exit {p.ExitCode}, expected {exitCode}\n{p.Describe()}");
        var lines = p.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error:", StringComparison.Ordinal), p.Describe());
        Assert.Contains(contains, lines[0], StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", p.StandardError + p.StandardOutput, StringComparison.Ordinal);
    }
}
