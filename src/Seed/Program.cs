using System.Reflection;
using System.CommandLine;
using System.CommandLine.Parsing;
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
            return ExitCodes.BadArgument;
        }

        // --json: stdout carries the one JSON document; everything else printed on Console.Out goes to stderr.
        using var jsonOnly = parsed.Tokens.Any(t => t.Type == TokenType.Option && t.Value == "--json") ? JsonStdout.Reserve() : null;
        // Ctrl-C and SIGTERM cancel the command's token here, for every command (InterruptOnSignal says why not System.CommandLine's).
        using var interrupt = new InterruptOnSignal();
        try
        {
            int code = await parsed.InvokeAsync(
                new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = JsonStdout.Writer, ProcessTerminationTimeout = null },
                interrupt.Token);
            return interrupt.Interrupted ? interrupt.Report() : code;
        }
        catch (Exception) when (interrupt.Interrupted)
        {
            // Whatever the cancellation surfaced as (OperationCanceledException, a cancelled call, a host stopping).
            return interrupt.Report();
        }
        catch (Exception ex) when (Unwrap(ex) is CliException cli)
        {
            Console.Error.WriteLine($"error: {cli.Message}");
            return cli.ExitCode;
        }
        catch (Exception ex) when (Unwrap(ex) is OperationCanceledException)
        {
            Console.Error.WriteLine("error: cancelled");
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            // Unexpected failure: still one line for the user; the full trace only when asked for.
            var inner = Unwrap(ex);
            Console.Error.WriteLine($"error: {inner.GetType().Name}: {inner.Message}");
            if (Environment.GetEnvironmentVariable("QD3PM_DEBUG") == "1")
                Console.Error.WriteLine(inner);
            return ExitCodes.Failed;
        }
    }

    public static RootCommand BuildRootCommand() => CommandRegistry.BuildRoot(
        "qd3pm: train quantum discrete denoising diffusion models (QD3PM) on one machine or an Akka.NET cluster.");

    private static Exception Unwrap(Exception ex)
    {
        while (ex is AggregateException { InnerExceptions.Count: 1 } or TargetInvocationException && ex.InnerException is not null)
            ex = ex.InnerException!;
        return ex;
    }
}
