using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm log tail`: the node's recent log lines, then new ones until Ctrl-C.</summary>
public sealed class LogTailCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var last = new Option<int>("--last", "-n") { Description = "Recent lines to print first.", DefaultValueFactory = _ => 50 };
        var noFollow = new Option<bool>("--no-follow") { Description = "Print the recent lines and exit." };
        var level = new Option<string>("--level") { Description = "Lowest level shown: DEBUG, INFO, WARNING, ERROR.", DefaultValueFactory = _ => "INFO" };
        var command = ops.AddTo(new Command("tail", "Stream the node's log (its recent lines first) until Ctrl-C; --json: one object per line.") { last, noFollow, level });
        command.SetAction((parse, outer) => CtrlC.Run(outer, async ct =>
        {
            if (parse.GetValue(last) < 0)
                throw new CliException("--last must not be negative");
            using var connection = ops.Connect(parse);
            bool json = parse.GetValue(ops.Json);
            var request = new TailLogRequest { Last = parse.GetValue(last), Follow = !parse.GetValue(noFollow), MinLevel = parse.GetValue(level)! };
            await connection.Stream(o => connection.Admin.TailLog(request, o), e =>
            {
                if (json)
                    OpsOptions.WriteJsonLine(new { time = DateTimeOffset.FromUnixTimeMilliseconds(e.UnixMs), level = e.Level, source = e.Source, message = e.Message, sequence = e.Sequence });
                else if (!OpsOptions.Interactive)
                    Console.Out.WriteLine($"{Format.Time(e.UnixMs)} {e.Level,-7} {e.Source} {e.Message}");
                else
                    AnsiConsole.MarkupLine($"[grey]{Format.Time(e.UnixMs)}[/] {Level(e.Level)} [grey]{Markup.Escape(e.Source)}[/] {Markup.Escape(e.Message)}");
                return Task.CompletedTask;
            }, ct);
            return 0;
        }));
        return command;
    }

    private static string Level(string level) => level switch
    {
        "ERROR" => "[red]ERROR[/]  ",
        "WARNING" => "[yellow]WARNING[/]",
        "INFO" => "[blue]INFO[/]   ",
        _ => $"[grey]{Markup.Escape(level),-7}[/]",
    };
}
