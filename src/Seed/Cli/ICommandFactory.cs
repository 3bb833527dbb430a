using System.CommandLine;

namespace QD3PM.Seed.Cli;

/// <summary>
/// One top-level verb of `qd3pm` (simulate, train, node, ...). <see cref="CommandRegistry"/> lists every one.
/// </summary>
public interface ICommandFactory
{
    Command Create();
}
