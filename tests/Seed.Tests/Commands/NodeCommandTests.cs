using QD3PM.Seed.Cli;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

/// <summary>Issue 10.6: `qd3pm node` with a port out of range ends in one error line (exit 2) before anything starts.</summary>
public sealed class NodeCommandTests
{
    [Theory]
    [InlineData("--port", "99999")]
    [InlineData("--mgmt-port", "70000")]
    [InlineData("--metrics-port", "-1")]
    public async Task A_port_out_of_range_is_one_error_line(string option, string value)
    {
        var args = new List<string> { "node", "--roles", "simulator", "--port", "0" };
        if (option == "--port")
            args.RemoveRange(3, 2);
        args.AddRange([option, value]);
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromSeconds(60), [.. args]);
        CliAssert.OneErrorLine(p, $"{option} must be a TCP port (0-65535), not {value}", ExitCodes.BadArgument);
    }
}
