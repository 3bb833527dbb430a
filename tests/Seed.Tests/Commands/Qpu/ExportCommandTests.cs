using System.CommandLine;
using System.Text.Json;
using QD3PM.Core.Training;
using QD3PM.Seed;
using QD3PM.Seed.Cli;
using QD3PM.Seed.ModelFiles;
using Xunit;

namespace QD3PM.Seed.Tests.Commands.Qpu;

/// <summary>`qd3pm export`: the exported OpenQASM, run by `qd3pm simulate`, gives the model's own conditional distribution.</summary>
public sealed class ExportCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("qd3pm-export-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static async Task<string> Run(params string[] args)
    {
        var output = new StringWriter();
        var parsed = Program.BuildRootCommand().Parse(args);
        Assert.Empty(parsed.Errors);
        int exit = await parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = new StringWriter() });
        Assert.Equal(0, exit);
        return output.ToString();
    }

    /// <summary>A model file with random (trained-like) parameters: export must not care how they were found.</summary>
    private string Model(DiffusionMode mode)
    {
        var spec = new TrainingSpec { Dataset = "bas:2x2", Mode = mode, Layers = 2, Steps = 10, Seed = 4 };
        var problem = (QD3PMProblem)ProblemCatalog.Paper.Build(spec);
        var rng = new Random(9);
        var parameters = Enumerable.Range(0, problem.ParameterCount).Select(_ => rng.NextDouble() * 4 - 2).ToArray();
        string path = Path.Combine(_dir, $"model-{mode}.json");
        new ModelFile(spec, parameters, 10, 0.1, "test").Save(path);
        return path;
    }

    [Theory]
    [InlineData(DiffusionMode.SingleStep, "1011", null)]
    [InlineData(DiffusionMode.MultiStep, "0110", 7)]
    public async Task Simulating_the_export_gives_the_models_distribution(DiffusionMode mode, string input, int? t)
    {
        string modelPath = Model(mode);
        string qasmPath = Path.Combine(_dir, "denoiser.qasm");
        List<string> args = ["export", "--model", modelPath, "--input", input, "--out", qasmPath];
        if (t is { } step) args.AddRange(["--t", step.ToString()]);
        await Run([.. args]);
        string qasm = await File.ReadAllTextAsync(qasmPath);
        Assert.Contains("OPENQASM 2.0;", qasm);
        Assert.DoesNotContain("zz(", qasm); // written in the basis: zz became cx, rz, cx
        Assert.Contains("cx ", qasm);

        using var simulated = JsonDocument.Parse(await Run("simulate", qasmPath, "--json"));
        var all = simulated.RootElement.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var file = ModelFile.Load(modelPath);
        var model = (QD3PMModel)file.ToModel(modelPath);
        var expected = model.Conditional(Convert.ToInt32(input, 2), t ?? file.Spec.TimeSteps);
        int d = expected.Length;
        Assert.Equal(2 * d, all.Length); // data qubits and the ancilla
        for (int x = 0; x < d; x++)
            Assert.Equal(expected[x], all[x] + all[x + d], 10); // the ancilla traced out
    }

    [Fact]
    public async Task A_bad_input_is_one_clear_error()
    {
        string modelPath = Model(DiffusionMode.SingleStep);
        var parsed = Program.BuildRootCommand().Parse(["export", "--model", modelPath, "--input", "10"]);
        var ex = await Assert.ThrowsAsync<CliException>(() => parsed.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = new StringWriter() }));
        Assert.Contains("--input must be 4 bits", ex.Message);
    }
}
