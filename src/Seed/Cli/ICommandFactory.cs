using System.CommandLine;

namespace QD3PM.Seed.Cli;

/// <summary>
/// One top-level verb of `qd3pm` (simulate, train, node, cluster, ...). Program discovers every implementation by
/// reflection, so adding a verb means adding one file, never editing a shared list.
/// </summary>
public interface ICommandFactory
{
    /// <summary>Sort key for `qd3pm --help` (lower first).</summary>
    int Order => 100;

    Command Create();
}
