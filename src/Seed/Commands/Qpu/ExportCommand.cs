using System.CommandLine;
using QD3PM.Core.Circuits;
using QD3PM.Core.Qasm;
using QD3PM.Core.Training;
using QD3PM.Seed.Cli;
using QD3PM.Seed.ModelFiles;

namespace QD3PM.Seed.Commands.Qpu;

/// <summary>
/// `qd3pm export --model model.json --t T --input BITS [--basis rx,ry,rz,cx] [--out FILE]`: the trained denoiser
/// circuit for one input (x_t, t) as OpenQASM 2.0 in a backend's basis gates, measuring the data qubits into c[0..N-1]
/// (the ancilla, qubit N, is not measured: tracing it out is not looking at it). Any vendor's stack runs it; its
/// outcome distribution is the model's p(x_{t-1} | x_t) (p(x_0 | x_T) in single-step mode).
/// </summary>
public sealed class ExportCommand : ICommandFactory
{

    public Command Create()
    {
        var model = new Option<string>("--model") { Description = "model.json of a trained qd3pm model.", Required = true };
        var t = new Option<int?>("--t") { Description = "Time step t of the input (default: T, the single-step input)." };
        var input = new Option<string>("--input") { Description = "x_t as a bitstring, first bit most significant (as `sample` prints them).", Required = true };
        var format = new Option<string>("--format") { Description = "Output format.", DefaultValueFactory = _ => "qasm2" };
        format.AcceptOnlyFromAmong("qasm2");
        var basis = new Option<string>("--basis")
        {
            Description = "Comma-separated basis gates of the target backend (OpenQASM names; zz is rewritten into cx and rz).",
            DefaultValueFactory = _ => "rx,ry,rz,cx,measure,barrier",
        };
        var output = new Option<string?>("--out") { Description = "Write to this file instead of stdout." };
        var command = new Command("export", "Write the trained denoiser circuit for one (x_t, t) as OpenQASM 2.0 in a backend's basis.")
        {
            model, t, input, format, basis, output,
        };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(model)!;
            var file = ModelFile.Load(path);
            if (file.ToModel(path) is not QD3PMModel trained)
                throw new CliException($"{path}: export writes qd3pm models (this is {file.Spec.Model}, which has no single circuit)");
            var ansatz = trained.Problem.Ansatz;
            int step = parse.GetValue(t) ?? file.Spec.TimeSteps;
            if (step < 1 || step > file.Spec.TimeSteps)
                throw new CliException($"--t must be in 1..{file.Spec.TimeSteps}, not {step}");
            string bits = parse.GetValue(input)!.Trim();
            if (bits.Length != ansatz.Bits || bits.Any(c => c is not ('0' or '1')))
                throw new CliException($"--input must be {ansatz.Bits} bits of 0 and 1, not '{bits}'");
            int xt = Convert.ToInt32(bits, 2);

            var bound = ansatz.Build(xt, step).Bind(file.Parameters);
            var measured = new Circuit(bound.QubitCount, ansatz.Bits);
            foreach (var op in bound.Operations) measured.Add(op);
            for (int q = 0; q < ansatz.Bits; q++) measured.Measure(q, q);
            var names = parse.GetValue(basis)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            string qasm;
            try
            {
                qasm = QasmExporter.Export(BasisTranspiler.Transpile(measured, names, measured.QubitCount));
            }
            catch (NotSupportedException ex)
            {
                throw new CliException($"--basis: {ex.Message}");
            }
            string header = $"// qd3pm export: {path}, input x_t = {bits} (t = {step}); measured c[i] = data bit i (c[{ansatz.Bits - 1}] is the first bit)\n";
            if (parse.GetValue(output) is { } target)
            {
                try
                {
                    File.WriteAllText(target, header + qasm);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or DirectoryNotFoundException)
                {
                    throw new CliException($"{target}: cannot write: {ex.Message}");
                }
            }
            else
            {
                parse.InvocationConfiguration.Output.Write(header + qasm);
            }
            return 0;
        });
        return command;
    }
}
