using System.CommandLine;
using System.Globalization;
using System.Text;
using QD3PM.Core.Circuits;
using QD3PM.Core.Qasm;
using QD3PM.Core.Simulation;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Commands;

/// <summary>
/// `qd3pm simulate FILE.qasm [--json] [--shots K --seed S]`: runs an OpenQASM 2.0 program on the state-vector
/// simulator and prints its output distribution (bit i of an index = qubit i, Qiskit's order) and, with --shots,
/// seeded counts keyed by bitstrings with qubit n-1 leftmost.
/// </summary>
public sealed class SimulateCommand : ICommandFactory
{
    /// <summary>Larger files are not QASM anyone wrote by hand or exported; refuse before reading them.</summary>
    private const long MaxFileBytes = 64L << 20;


    public Command Create()
    {
        var file = new Argument<string>("file") { Description = "OpenQASM 2.0 program (include \"qelib1.inc\" is built in)." };
        var json = new Option<bool>("--json")
        {
            Description = "Print one JSON object {\"qubits\": n, \"probabilities\": [2^n entries]} (plus \"counts\" with --shots).",
        };
        var shots = new Option<int?>("--shots") { Description = "Also sample this many measurements of all qubits." };
        var seed = new Option<int>("--seed")
        {
            Description = "Seed of the sampler (and of mid-circuit reset outcomes).",
            DefaultValueFactory = _ => 0,
        };
        var top = new Option<int>("--top")
        {
            Description = "Rows of the table of most likely outcomes (without --json).",
            DefaultValueFactory = _ => 16,
        };
        var command = new Command("simulate", "Simulate an OpenQASM 2.0 program and print its output distribution.")
        {
            file, json, shots, seed, top,
        };
        command.SetAction((parseResult, _) =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            string path = parseResult.GetValue(file)!;
            int? shotCount = parseResult.GetValue(shots);
            if (shotCount is < 0) throw new CliException("--shots must be non-negative");
            int rows = parseResult.GetValue(top);
            if (rows < 1) throw new CliException("--top must be at least 1");
            int seedValue = parseResult.GetValue(seed);

            var circuit = Load(path);
            var state = Simulate(path, circuit, seedValue);
            var counts = shotCount is { } k ? state.SampleCounts(k, new Random(seedValue)) : null;
            if (parseResult.GetValue(json)) WriteJson(output, state, counts);
            else WriteTable(output, path, state, counts, shotCount ?? 0, rows);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>Reads and parses the file; every problem becomes `FILE:LINE:COL: message` (or `FILE: message`).</summary>
    internal static Circuit Load(string path)
    {
        string text;
        try
        {
            var info = new FileInfo(path);
            if (Directory.Exists(path)) throw new CliException($"{path}: is a directory, not a QASM file");
            if (!info.Exists) throw new CliException($"{path}: no such file");
            if (info.Length > MaxFileBytes)
                throw new CliException($"{path}: {info.Length} bytes is too large for an OpenQASM program (limit {MaxFileBytes >> 20} MiB)");
            text = File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CliException($"{path}: cannot read: {ex.Message}");
        }

        try
        {
            return QasmImporter.Parse(text, new QasmImportOptions { MaxQubits = StateVector.MaxQubits });
        }
        catch (QasmException ex)
        {
            throw new CliException(ex.ToString(path));
        }
    }

    internal static StateVector Simulate(string path, Circuit circuit, int seed)
    {
        RefuseGatesAfterMeasurement(path, circuit);
        StateVector state;
        try
        {
            state = new StateVector(circuit.QubitCount, new SimulatorOptions { ResetSeed = seed });
        }
        catch (SimulatorCapacityException ex)
        {
            throw new CliException($"{path}: {ex.Message}");
        }
        state.Apply(circuit);
        return state;
    }

    /// <summary>
    /// Measurements are deferred to the end (the output is the final distribution), which is only faithful while no
    /// gate touches a qubit after it was measured.
    /// </summary>
    private static void RefuseGatesAfterMeasurement(string path, Circuit circuit)
    {
        var measured = new HashSet<int>();
        foreach (var op in circuit.Operations)
        {
            if (op.Kind == GateKind.Measure) { measured.Add(op.Qubits[0]); continue; }
            if (op.Kind is GateKind.Barrier or GateKind.Reset) continue;
            foreach (int q in op.Qubits)
                if (measured.Contains(q))
                    throw new CliException(
                        $"{path}: '{op}' acts on qubit {q} after it was measured; mid-circuit measurement is not supported (measure at the end)");
        }
    }

    internal static void WriteJson(TextWriter output, StateVector state, Dictionary<string, int>? counts)
    {
        // Written in pieces: 2^n numbers can be far larger than one string should be.
        var buffer = new StringBuilder(1 << 16);
        buffer.Append("{\"qubits\":").Append(state.QubitCount.ToString(CultureInfo.InvariantCulture)).Append(",\"probabilities\":[");
        var amplitudes = state.Amplitudes;
        for (int i = 0; i < amplitudes.Length; i++)
        {
            if (i > 0) buffer.Append(',');
            var a = amplitudes[i];
            buffer.Append((a.Real * a.Real + a.Imaginary * a.Imaginary).ToString("R", CultureInfo.InvariantCulture));
            if (buffer.Length > 1 << 16)
            {
                output.Write(buffer);
                buffer.Clear();
            }
        }
        buffer.Append(']');
        if (counts is not null)
        {
            buffer.Append(",\"shots\":").Append(counts.Values.Sum().ToString(CultureInfo.InvariantCulture)).Append(",\"counts\":{");
            bool first = true;
            foreach (var (key, value) in counts.OrderBy(c => c.Key, StringComparer.Ordinal))
            {
                if (!first) buffer.Append(',');
                first = false;
                buffer.Append('"').Append(key).Append("\":").Append(value.ToString(CultureInfo.InvariantCulture));
            }
            buffer.Append('}');
        }
        buffer.Append('}');
        output.WriteLine(buffer);
    }

    private static void WriteTable(TextWriter output, string path, StateVector state, Dictionary<string, int>? counts, int shots, int rows)
    {
        // The most likely outcomes without sorting all 2^n of them: a bounded min-heap.
        var heap = new PriorityQueue<int, double>();
        var amplitudes = state.Amplitudes;
        for (int i = 0; i < amplitudes.Length; i++)
        {
            double p = amplitudes[i].Real * amplitudes[i].Real + amplitudes[i].Imaginary * amplitudes[i].Imaginary;
            if (p < 1e-15) continue;
            if (heap.Count < rows) heap.Enqueue(i, p);
            else if (heap.TryPeek(out _, out double smallest) && p > smallest) heap.EnqueueDequeue(i, p);
        }
        var best = new List<(int Index, double P)>();
        while (heap.TryDequeue(out int index, out double p)) best.Add((index, p));
        best.Sort((x, y) => x.P != y.P ? y.P.CompareTo(x.P) : x.Index.CompareTo(y.Index));

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        string order = state.QubitCount > 1 ? $" (bitstrings: qubit {state.QubitCount - 1} leftmost)" : "";
        console.WriteLine($"{path}: {state.QubitCount} qubit(s){order}");
        var table = new Table();
        table.AddColumn("bitstring");
        table.AddColumn(new TableColumn("probability").RightAligned());
        if (counts is not null) table.AddColumn(new TableColumn($"count / {shots}").RightAligned());
        foreach (var (index, p) in best)
        {
            string bits = StateVector.Bitstring(index, state.QubitCount);
            string probability = p.ToString(p >= 1e-4 ? "0.000000" : "0.000E+0", CultureInfo.InvariantCulture);
            var cells = new List<string> { bits, probability };
            if (counts is not null) cells.Add(counts.GetValueOrDefault(bits).ToString(CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }
        console.Write(table);
        int shown = best.Count;
        long nonzero = 0;
        foreach (var a in amplitudes) if (a.Real * a.Real + a.Imaginary * a.Imaginary >= 1e-15) nonzero++;
        if (nonzero > shown) console.WriteLine($"({nonzero - shown} more outcome(s) with non-zero probability; --json prints all)");
    }
}
