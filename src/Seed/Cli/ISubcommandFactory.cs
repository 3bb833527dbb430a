using System.CommandLine;

namespace QD3PM.Seed.Cli;

/// <summary>
/// A verb under a group (`qd3pm bench gates`, `qd3pm cluster show`, `qd3pm qpu serve`, ...). Program creates the
/// group command on first use (see <see cref="CommandGroups"/>) and attaches every subcommand naming it, so verbs
/// of one group can live in separate files owned by separate features.
/// </summary>
public interface ISubcommandFactory
{
    /// <summary>Name of the group command, e.g. "bench".</summary>
    string Parent { get; }

    int Order => 100;

    Command Create();
}
