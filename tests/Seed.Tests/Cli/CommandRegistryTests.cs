using Xunit;

using QD3PM.Seed.Cli;

namespace QD3PM.Seed.Tests.Cli;

public sealed class CommandRegistryTests
{
    // The registry is an explicit list; this test is the one place that scans, so a verb written but not registered fails here.
    [Fact]
    public void Every_command_factory_in_the_executable_is_registered_once()
    {
        var types = typeof(Program).Assembly.GetTypes()
            .Where(t => t is { IsAbstract: false, IsInterface: false }
                        && (typeof(ICommandFactory).IsAssignableFrom(t) || typeof(ISubcommandFactory).IsAssignableFrom(t)))
            .Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();
        var registered = CommandRegistry.TopLevel.Select(f => f.GetType().FullName!)
            .Concat(CommandRegistry.Groups.SelectMany(g => g.Verbs).Select(f => f.GetType().FullName!))
            .Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(types, registered);
    }

    [Fact]
    public void Verb_names_are_unique_within_the_root_and_each_group()
    {
        var root = Program.BuildRootCommand();
        Assert.Equal(root.Subcommands.Count, root.Subcommands.Select(c => c.Name).Distinct().Count());
        foreach (var group in root.Subcommands)
            Assert.Equal(group.Subcommands.Count, group.Subcommands.Select(c => c.Name).Distinct().Count());
        Assert.Contains(root.Subcommands, c => c.Name == "train");
        Assert.Contains(root.Subcommands.Single(c => c.Name == "cluster").Subcommands, c => c.Name == "show");
    }
}
