using System.CommandLine;
using QD3PM.Nodes.Hosting;
using QD3PM.Nodes.Workers;
using QD3PM.Nodes.Configuration;

namespace QD3PM.Seed.Commands;

/// <summary>
/// Adds options and worker executors to `qd3pm node` without editing NodeCommand (e.g. the QPU proxy: `--qpu URL
/// --qpu-token T` and an executor for role qpu-proxy). NodeCommand lists its extensions explicitly.
/// </summary>
public interface INodeCommandExtension
{
    /// <summary>Options appended to the `node` command.</summary>
    IEnumerable<Option> Options { get; }

    /// <summary>
    /// Executors per role from the parsed options, for the roles this node carries (<paramref name="node"/>: its
    /// roles and TLS identity); throw CliException for bad values. Entries override the built-in ones (simulator).
    /// </summary>
    IReadOnlyDictionary<string, Func<IServiceProvider, IWorkItemExecutor>> Executors(ParseResult parse, NodeOptions node);
}
