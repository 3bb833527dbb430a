using System.CommandLine;
using System.Text.Json;
using QD3PM.Seed;
using QD3PM.Seed.Cli;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

/// <summary>`qd3pm simulate` run in-process: JSON output, qubit order, seeded counts, the table, and clean errors.</summary>
public sealed class SimulateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("qd3pm-simulate-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    internal static string Example(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "examples", name);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"examples/{name} not found above {AppContext.BaseDirectory}");
    }

    private string Write(string name, string text)
    {
        string path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static async Task<(int Exit, string Output)> Run(params string[] args)
    {
        var output = new StringWriter();
        var parsed = Program.BuildRootCommand().Parse(args);
        Assert.Empty(parsed.Errors);
        int exit = await parsed.InvokeAsync(new InvocationConfiguration
        {
            EnableDefaultExceptionHandler = false, Output = output, Error = new StringWriter(),
        });
        return (exit, output.ToString());
    }

    private static async Task<string> RunFailing(params string[] args)
    {
        var error = await Assert.ThrowsAsync<CliException>(() => Run(args));
        return error.Message;
    }

    [Fact]
    public async Task Bell_json_has_probabilities_and_seeded_counts()
    {
        var (exit, output) = await Run("simulate", Example("bell.qasm"), "--json", "--shots", "1000", "--seed", "7");
        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        Assert.Equal(2, json.RootElement.GetProperty("qubits").GetInt32());
        var p = json.RootElement.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(4, p.Length);
        Assert.Equal(0.5, p[0], 12);
        Assert.Equal(0.0, p[1], 12);
        Assert.Equal(0.0, p[2], 12);
        Assert.Equal(0.5, p[3], 12);
        var counts = json.RootElement.GetProperty("counts").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetInt32());
        Assert.Equal(["00", "11"], counts.Keys.Order());
        Assert.Equal(1000, counts.Values.Sum());
        Assert.InRange(counts["00"], 400, 600);

        var (_, again) = await Run("simulate", Example("bell.qasm"), "--json", "--shots", "1000", "--seed", "7");
        Assert.Equal(output, again);
    }

    [Fact]
    public async Task Bit_i_of_the_index_is_qubit_i_and_bitstrings_put_the_last_qubit_left()
    {
        string path = Write("order.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg a[1];\nqreg b[2];\nx a[0];\nx b[1];\n");
        var (_, output) = await Run("simulate", path, "--json", "--shots", "5");
        using var json = JsonDocument.Parse(output);
        var p = json.RootElement.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(8, p.Length);
        Assert.Equal(1.0, p[0b101], 12); // qubits 0 (a[0]) and 2 (b[1]) set
        var counts = json.RootElement.GetProperty("counts").EnumerateObject().ToDictionary(c => c.Name, c => c.Value.GetInt32());
        Assert.Equal(5, counts["101"]);
    }

    [Fact]
    public async Task Ghz5_and_the_qiskit_style_export_simulate()
    {
        var (_, ghz) = await Run("simulate", Example("ghz5.qasm"), "--json");
        using (var json = JsonDocument.Parse(ghz))
        {
            var p = json.RootElement.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(32, p.Length);
            Assert.Equal(0.5, p[0], 12);
            Assert.Equal(0.5, p[31], 12);
            Assert.False(json.RootElement.TryGetProperty("counts", out _));
        }
        var (_, qiskit) = await Run("simulate", Example("qiskit_export.qasm"), "--json");
        using (var json = JsonDocument.Parse(qiskit))
        {
            var p = json.RootElement.GetProperty("probabilities").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            Assert.Equal(16, p.Length);
            Assert.Equal(1.0, p.Sum(), 12);
            Assert.True(p.Count(x => x > 1e-3) > 4, "the example should spread over many outcomes");
        }
    }

    [Fact]
    public async Task Table_lists_the_most_likely_outcomes()
    {
        var (exit, output) = await Run("simulate", Example("bell.qasm"), "--shots", "200", "--top", "3");
        Assert.Equal(0, exit);
        Assert.Contains("bitstring", output);
        Assert.Contains("0.500000", output);
        Assert.Contains("11", output);
        Assert.Contains("count / 200", output);
        Assert.DoesNotContain("01 ", output);
    }

    [Theory]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nfoo q[0];\n", ":4:1: unknown gate 'foo'")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncx q[0];\n", ":4:1: gate 'cx' takes 2 qubit argument(s), got 1")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\nh q[5];\n", ":4:5: qubit index 5 out of range for register q[2]")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2]\nh q[0];\n", ":4:1: expected ';'")]
    [InlineData("OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[31];\n", ":3:8: too many qubits: 31 declared, at most 30 supported")]
    [InlineData("\u007fELF\u0002\u0001\u0001\0\0\0", ":1:1: unexpected character U+007F")]
    public async Task Bad_programs_fail_with_file_line_and_column(string program, string expected)
    {
        string path = Write("bad.qasm", program);
        string message = await RunFailing("simulate", path);
        Assert.StartsWith(path + expected, message);
    }

    [Fact]
    public async Task Missing_file_and_gates_after_measurement_are_refused()
    {
        string missing = Path.Combine(_directory, "nope.qasm");
        Assert.Equal($"{missing}: no such file", await RunFailing("simulate", missing));
        string after = Write("after.qasm", "OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[1];\ncreg c[1];\nmeasure q[0] -> c[0];\nh q[0];\n");
        Assert.Contains("after it was measured", await RunFailing("simulate", after));
    }

    [Fact]
    public async Task Negative_shots_are_refused()
    {
        Assert.Contains("--shots", await RunFailing("simulate", Example("bell.qasm"), "--shots", "-1"));
    }
}
