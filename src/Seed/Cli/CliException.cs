namespace QD3PM.Seed.Cli;

/// <summary>
/// An error the user caused (bad file, bad flag value, unreachable node). Program prints `error: Message` on one
/// line to stderr and exits with <see cref="ExitCode"/>; never a stack trace.
/// </summary>
public sealed class CliException(string message, int exitCode = ExitCodes.BadArgument) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
