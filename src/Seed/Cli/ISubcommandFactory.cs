using System.CommandLine;

namespace QD3PM.Seed.Cli;

/// <summary>
/// A verb under a group (`qd3pm bench gates`, `qd3pm cluster show`, `qd3pm qpu serve`, ...). The group it belongs to
/// and its place in `--help` are set by <see cref="CommandRegistry"/>, so verbs of one group live in separate files.
/// </summary>
public interface ISubcommandFactory
{
    Command Create();
}
