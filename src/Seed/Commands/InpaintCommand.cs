using System.CommandLine;
using QD3PM.Core.Data;
using QD3PM.Core.Training;
using QD3PM.Seed.Cli;
using QD3PM.Seed.ModelFiles;

namespace QD3PM.Seed.Commands;

/// <summary>
/// `qd3pm inpaint`: completions of a partly known pattern. Multi-step models reset the known bits at every reverse
/// step; single-step models condition their exact distribution when it is small enough.
/// </summary>
public sealed class InpaintCommand : ICommandFactory
{

    public Command Create()
    {
        var model = new Option<string>("--model") { Description = "A trained model: DIR/model.json (the last step) or DIR/best-model.json (the lowest KL at --eval-every).", Required = true };
        var known = new Option<string>("--known") { Description = "The pattern, first bit first: 0 or 1 where known, ? where unknown (e.g. \"1?0?\").", Required = true };
        var count = new Option<int>("--count") { Description = "How many completions.", DefaultValueFactory = _ => 10 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var command = new Command("inpaint", "Complete a partly known pattern with a trained model and report how often the completion is valid.") { model, known, count, seed };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model)!;
            int k = parse.GetValue(count);
            if (k < 1) throw new CliException("--count must be at least 1");
            var file = ModelFile.Load(path);
            var trained = file.ToModel(path);
            int[] completions;
            try
            {
                completions = trained.Inpaint(parse.GetValue(known)!, k, new Random(parse.GetValue(seed)));
            }
            catch (ArgumentException ex)
            {
                throw new CliException(ex.Message);
            }
            foreach (int x in completions)
                Console.WriteLine(DataSet.FormatBits(x, trained.BitCount));
            var data = DataSets.Parse(file.Spec.Dataset, (int)file.Spec.Seed);
            double valid = (double)completions.Count(data.IsValid) / completions.Length;
            Console.Error.WriteLine($"valid completions: {valid:P1} ({completions.Count(data.IsValid)} of {completions.Length})");
            return 0;
        });
        return command;
    }
}
