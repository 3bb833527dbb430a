using QD3PM.Seed;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

/// <summary>Console redirection is process-wide, so these run alone, after the parallel tests.</summary>
[CollectionDefinition(nameof(SimulateConsoleCollection), DisableParallelization = true)]
public sealed class SimulateConsoleCollection;

/// <summary>Through Program.Main: what a user sees on stdout/stderr and the exit code.</summary>
[Collection(nameof(SimulateConsoleCollection))]
public sealed class SimulateCommandMainTests
{
    private static async Task<(int Exit, string Out, string Err)> RunMain(params string[] args)
    {
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        Console.SetOut(stdout);
        Console.SetError(stderr);
        try
        {
            int exit = await Program.Main(args);
            return (exit, stdout.ToString(), stderr.ToString());
        }
        finally
        {
            Console.SetOut(oldOut);
            Console.SetError(oldErr);
        }
    }

    [Fact]
    public async Task Syntax_error_prints_one_error_line_and_exits_non_zero()
    {
        string path = Path.Combine(Path.GetTempPath(), $"qd3pm-main-{Guid.NewGuid():N}.qasm");
        File.WriteAllText(path, "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\nh q[0]\n");
        try
        {
            var (exit, stdout, stderr) = await RunMain("simulate", path, "--json");
            Assert.NotEqual(0, exit);
            Assert.Equal("", stdout);
            Assert.Equal($"error: {path}:5:1: expected ';' after the call of 'h', found end of file", stderr.TrimEnd());
            Assert.DoesNotContain(" at ", stderr);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task Json_goes_to_stdout_as_one_object()
    {
        var (exit, stdout, stderr) = await RunMain("simulate", SimulateCommandTests.Example("bell.qasm"), "--json");
        Assert.Equal(0, exit);
        Assert.Equal("", stderr);
        Assert.StartsWith("{\"qubits\":2,\"probabilities\":[", stdout);
        Assert.Single(stdout.TrimEnd().Split('\n'));
    }
}
