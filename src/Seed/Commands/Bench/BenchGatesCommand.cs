using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using QD3PM.Core.Simulation;
using QD3PM.Seed.Cli;
using Spectre.Console;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>`qd3pm bench gates`: gate kernel time against a copy of the same state buffer, measured in one run.</summary>
public sealed class BenchGatesCommand : ISubcommandFactory
{

    public Command Create()
    {
        var qubits = new Option<int>("--qubits")
        {
            Description = "Register size N (state of 2^N complex doubles, 16*2^N bytes; twice that is allocated).",
            DefaultValueFactory = _ => 20,
        };
        var threads = new Option<int>("--threads")
        {
            Description = "Threads per gate (the copy is always one plain single-threaded memory copy).",
            DefaultValueFactory = _ => 1,
        };
        var repeat = new Option<int?>("--repeat")
        {
            Description = "Timed repeats; the minimum over repeats is reported (default: more for small N).",
        };
        var threshold = new Option<int?>("--parallel-threshold")
        {
            Description = $"Smallest register that uses threads (default {SimulatorOptions.DefaultParallelThresholdQubits}).",
        };
        var json = new Option<bool>("--json") { Description = "Print {\"results\": [...]} as JSON." };
        var command = new Command("gates",
            "Time the h, ry, rz, cx and zz kernels against copying the same state buffer once, in the same run. " +
            "Each gate runs at a low (qubit 0 / 0,1), middle (n/2 / n/2,n/2+1) and high (n-1 / n-1,n-2) position; " +
            "gate_ns is the MEAN of the three placements (each the minimum over repeats), ratio = gate_ns / copy_ns, " +
            "and the per-placement times are listed under \"placements\". The extra row \"scale\" multiplies every " +
            "amplitude in place with the same threads: the memory-bandwidth floor no in-place gate can beat.")
        {
            qubits, threads, repeat, threshold, json,
        };
        command.SetAction((parseResult, _) =>
        {
            int n = parseResult.GetValue(qubits);
            int k = parseResult.GetValue(threads);
            int r = parseResult.GetValue(repeat) ?? DefaultRepeat(n);
            if (r < 1) throw new CliException("--repeat must be at least 1");
            if (n < 4) throw new CliException("--qubits must be at least 4");
            if (k < 1) throw new CliException("--threads must be at least 1");
            if (n > StateVector.MaxQubits)
                throw new CliException($"--qubits {n} is beyond the simulator's limit of {StateVector.MaxQubits}");
            long needed = GateBenchmark.RequiredBytes(n);
            long available = StateVector.AvailableBytes();
            if (needed > available)
                throw new CliException(
                    $"--qubits {n} needs {Mib(needed)} MiB (state + copy buffer) but only {Mib(available)} MiB is available");

            IReadOnlyList<GateTiming> rows;
            try
            {
                rows = GateBenchmark.Run(n, k, r, parseResult.GetValue(threshold));
            }
            catch (SimulatorCapacityException ex)
            {
                throw new CliException(ex.Message);
            }
            if (parseResult.GetValue(json)) JsonStdout.WriteLine(ToJson(rows));
            else PrintTable(rows, r);
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>About a quarter of a second of gate work per row for small N, at least 5 repeats.</summary>
    private static int DefaultRepeat(int n) => n >= 24 ? 5 : Math.Clamp(5 << (24 - n), 5, 2000);

    private static long Mib(long bytes) => bytes >> 20;

    internal static string ToJson(IReadOnlyList<GateTiming> rows)
    {
        var payload = new
        {
            results = rows.Select(row => new Dictionary<string, object>
            {
                ["gate"] = row.Gate,
                ["qubits"] = row.Qubits,
                ["threads"] = row.Threads,
                ["gate_ns"] = Math.Round(row.GateNanoseconds, 1),
                ["copy_ns"] = Math.Round(row.CopyNanoseconds, 1),
                ["ratio"] = Math.Round(row.Ratio, 4),
                ["placements"] = row.PlacementNanoseconds.ToDictionary(p => p.Key, p => Math.Round(p.Value, 1)),
            }),
        };
        return JsonSerializer.Serialize(payload);
    }

    private static void PrintTable(IReadOnlyList<GateTiming> rows, int repeat)
    {
        var table = new Table().Title($"gate kernels vs copy (min of {repeat} repeats)");
        foreach (var heading in new[] { "gate", "qubits", "threads", "gate ms (mean)", "low", "middle", "high", "copy ms", "ratio" })
            table.AddColumn(heading);
        foreach (var row in rows)
        {
            table.AddRow(row.Gate, row.Qubits.ToString(CultureInfo.InvariantCulture), row.Threads.ToString(CultureInfo.InvariantCulture),
                Ms(row.GateNanoseconds), Ms(row.PlacementNanoseconds["low"]), Ms(row.PlacementNanoseconds["middle"]),
                Ms(row.PlacementNanoseconds["high"]), Ms(row.CopyNanoseconds),
                row.Ratio.ToString("0.00", CultureInfo.InvariantCulture));
        }
        AnsiConsole.Write(table);
    }

    private static string Ms(double ns) => (ns / 1e6).ToString("0.000", CultureInfo.InvariantCulture);
}
