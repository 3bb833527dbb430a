using System.CommandLine;
using QD3PM.Core.Data;
using QD3PM.Seed.Cli;
using QD3PM.Seed.ModelFiles;

namespace QD3PM.Seed.Commands;

/// <summary>`qd3pm sample`: bitstrings from a trained model, one per line, first bit most significant.</summary>
public sealed class SampleCommand : ICommandFactory
{

    public Command Create()
    {
        var model = new Option<string>("--model") { Description = "A trained model: DIR/model.json (the last step) or DIR/best-model.json (the lowest KL at --eval-every).", Required = true };
        var count = new Option<int>("--count") { Description = "How many samples.", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("sample", "Draw samples from a trained model (the mode it was trained for: multi-step or single-step).") { model, count, seed };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model)!;
            int k = parse.GetValue(count);
            if (k < 0) throw new CliException("--count must not be negative");
            var file = ModelFile.Load(path);
            var trained = file.ToModel(path);
            var output = Console.Out;
            foreach (int x in trained.Sample(k, new Random(parse.GetValue(seed))))
                output.WriteLine(DataSet.FormatBits(x, trained.BitCount));
            return 0;
        });
        return command;
    }
}
