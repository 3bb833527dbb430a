using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using QD3PM.Seed.Cli;
using QD3PM.Seed.ModelFiles;

namespace QD3PM.Seed.Commands;

/// <summary>`qd3pm evaluate`: KL(target || model) from samples, exact KL when small, valid fraction.</summary>
public sealed class EvaluateCommand : ICommandFactory
{

    public Command Create()
    {
        var model = new Option<string>("--model") { Description = "A trained model: DIR/model.json (the last step) or DIR/best-model.json (the lowest KL at --eval-every).", Required = true };
        var samples = new Option<int>("--samples") { Description = "Samples for the KL estimate (probabilities clipped at 1e-7).", DefaultValueFactory = _ => 10000 };
        var seed = new Option<int>("--seed") { Description = "Sampling seed.", DefaultValueFactory = _ => 0 };
        var json = new Option<bool>("--json") { Description = "Print {\"kl\", \"valid_fraction\", \"samples\", \"exact_kl\"}." };
        var command = new Command("evaluate", "Measure a trained model the way the paper does: KL in nats and, for bars and stripes, the valid fraction.") { model, samples, seed, json };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model)!;
            int n = parse.GetValue(samples);
            if (n < 1) throw new CliException("--samples must be at least 1");
            var file = ModelFile.Load(path);
            var result = ModelEvaluation.Run(file.ToModel(path), n, parse.GetValue(seed));
            if (parse.GetValue(json))
            {
                var o = new JsonObject
                {
                    ["kl"] = result.Kl,
                    ["valid_fraction"] = result.ValidFraction,
                    ["samples"] = result.Samples,
                    ["exact_kl"] = result.ExactKl,
                };
                JsonStdout.WriteLine(o.ToJsonString());
            }
            else
            {
                var c = CultureInfo.InvariantCulture;
                Console.WriteLine(string.Create(c, $"KL            {result.Kl:F4} nats ({result.Samples} samples)"));
                if (result.ExactKl is { } e) Console.WriteLine(string.Create(c, $"exact KL      {e:F4} nats"));
                if (result.ValidFraction is { } v) Console.WriteLine(string.Create(c, $"valid         {v:F4}"));
            }
            return 0;
        });
        return command;
    }
}
