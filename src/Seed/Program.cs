using System.CommandLine;
using System.Reflection;
using QD3PM.Seed.Cli;

namespace QD3PM.Seed;

public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = BuildRootCommand();
        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // One clear line (the first problem; the rest usually follow from it), no help dump: scripts read stderr.
            Console.Error.WriteLine($"error: {ParseErrorText.OneLine(parsed.Errors[0])} (see --help)");
            return 2;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception ex) when (Unwrap(ex) is CliException cli)
        {
            Console.Error.WriteLine($"error: {cli.Message}");
            return cli.ExitCode;
        }
        catch (Exception ex) when (Unwrap(ex) is OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return 130;
        }
        catch (Exception ex)
        {
            // Unexpected failure: still one line for the user; the full trace only when asked for.
            var inner = Unwrap(ex);
            Console.Error.WriteLine($"error: {inner.GetType().Name}: {inner.Message}");
            if (Environment.GetEnvironmentVariable("QD3PM_DEBUG") == "1")
                Console.Error.WriteLine(inner);
            return 1;
        }
    }

    public static RootCommand BuildRootCommand()
    {
        var root = new RootCommand(
            "qd3pm: train quantum discrete denoising diffusion models (QD3PM) on one machine or an Akka.NET cluster.");
        var factories = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ICommandFactory).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ICommandFactory)Activator.CreateInstance(t)!)
            .OrderBy(f => f.Order)
            .ThenBy(f => f.GetType().Name, StringComparer.Ordinal);
        foreach (var factory in factories)
            root.Subcommands.Add(factory.Create());

        var subcommands = typeof(Program).Assembly.GetTypes()
            .Where(t => typeof(ISubcommandFactory).IsAssignableFrom(t) && t is { IsAbstract: false, IsInterface: false })
            .Select(t => (ISubcommandFactory)Activator.CreateInstance(t)!)
            .OrderBy(f => f.Order)
            .ThenBy(f => f.GetType().Name, StringComparer.Ordinal);
        foreach (var factory in subcommands)
        {
            var group = root.Subcommands.FirstOrDefault(c => c.Name == factory.Parent);
            if (group is null)
            {
                group = new Command(factory.Parent, CommandGroups.Describe(factory.Parent));
                root.Subcommands.Add(group);
            }
            group.Subcommands.Add(factory.Create());
        }
        return root;
    }

    private static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && ex.InnerException is not null)
            ex = ex.InnerException!;
        return ex;
    }
}
