using System.CommandLine;
using QD3PM.Protocol.Management;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Ops;

/// <summary>`qd3pm actor hierarchy`: the node's actor tree (/user and /system) with each actor's class.</summary>
public sealed class ActorHierarchyCommand : ISubcommandFactory
{

    public Command Create()
    {
        var ops = new OpsOptions();
        var depth = new Option<int>("--depth") { Description = "Levels below /user and /system (0: all).", DefaultValueFactory = _ => 0 };
        var command = ops.AddTo(new Command("hierarchy", "The node's actor tree (/user and /system) with each actor's class.") { depth });
        command.SetAction(async (parse, ct) =>
        {
            if (parse.GetValue(depth) < 0)
                throw new CliException("--depth must not be negative");
            using var connection = ops.Connect(parse);
            var tree = await connection.Call(o => connection.Admin.GetActorHierarchyAsync(new ActorHierarchyRequest { MaxDepth = parse.GetValue(depth) }, o), ct);
            if (parse.GetValue(ops.Json))
            {
                OpsOptions.WriteJson(new { node = tree.Node, actors = tree.Actors.Select(a => new { path = a.Path, type = a.Type, depth = a.Depth }).ToArray() });
                return 0;
            }
            var root = new Tree($"[bold]{Markup.Escape(tree.Node)}[/]");
            var stack = new Stack<(int Depth, IHasTreeNodes Node)>();
            stack.Push((-1, root));
            foreach (var actor in tree.Actors)
            {
                while (stack.Peek().Depth >= actor.Depth)
                    stack.Pop();
                var label = $"{Markup.Escape(actor.Depth == 0 ? actor.Path : actor.Name)} [grey]{Markup.Escape(actor.Type)}[/]";
                stack.Push((actor.Depth, stack.Peek().Node.AddNode(label)));
            }
            AnsiConsole.Write(root);
            return 0;
        });
        return command;
    }
}
