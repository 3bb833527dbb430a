using System.Text.Json;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

public sealed class ReproduceCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qd3pm-reproduce-{Guid.NewGuid():N}");

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    [Fact]
    public async Task A_small_suite_writes_the_table_results_and_figures()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(3), "reproduce", "--out", _dir, "--steps", "15",
            "--datasets", "bas:2x2", "--no-scaling", "--samples", "500");
        Assert.True(p.ExitCode == 0, p.Describe());

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "results.json")));
        var all = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        var results = all.Where(r => r.GetProperty("group").GetString() == "table").ToList();
        Assert.Equal(4, results.Count);
        Assert.Equal(["classical-d3pm", "factorized-quantum", "qd3pm", "qd3pm"],
            results.Select(r => r.GetProperty("model").GetString()!).Order().ToArray());
        foreach (var r in results)
        {
            Assert.Equal(4 * Math.Log(2) - Math.Log(6), r.GetProperty("factorised_bound").GetDouble(), 9);
            Assert.True(r.GetProperty("kl").GetDouble() > 0);
            Assert.True(r.GetProperty("circuit_evaluations").GetInt64() > 0);
            Assert.Equal(16, r.GetProperty("generated").GetArrayLength());
            Assert.Equal(1, r.GetProperty("generated").EnumerateArray().Sum(x => x.GetDouble()), 9);
            // inpainting against the true conditional: 2 of 4 bits known, all 6 masks, 4 known patterns each
            var conditional = r.GetProperty("conditional");
            Assert.Equal(6, conditional.GetProperty("masks").GetInt32());
            Assert.Equal(24, conditional.GetProperty("patterns").GetInt32());
            Assert.True(conditional.GetProperty("kl").GetDouble() >= 0);
            Assert.InRange(conditional.GetProperty("valid_fraction").GetDouble(), 0, 1);
        }

        // the noise group: QD3PM single-step at each depolarizing level, the noisy model evaluated
        var noisy = all.Where(r => r.GetProperty("group").GetString() == "noise").ToList();
        Assert.Equal([0, 0.001, 0.005, 0.01, 0.02], noisy.Select(r => r.GetProperty("noise").GetDouble()).ToArray());
        Assert.All(noisy, r => Assert.True(r.GetProperty("exact_kl").GetDouble() > 0));
        Assert.NotEqual(noisy[0].GetProperty("exact_kl").GetDouble(), noisy[4].GetProperty("exact_kl").GetDouble());

        string report = File.ReadAllText(Path.Combine(_dir, "report.md"));
        foreach (var label in new[] { "QD3PM multi-step", "QD3PM single-step", "classical D3PM (factorised)", "factorised quantum" })
            Assert.Contains($"| bas:2x2 | {label} |", report);
        Assert.Contains("| bas:2x2 | 0.02 |", report);
        Assert.Contains("| bas:2x2 | QD3PM multi-step | 2 | 6 | 24 |", report);
        foreach (var png in new[] { "kl-training-bas-2x2.png", "histogram-bas-2x2.png", "inpainting-bas-2x2.png", "kl-vs-noise.png" })
        {
            Assert.Contains($"]({png})", report);
            var bytes = File.ReadAllBytes(Path.Combine(_dir, png));
            Assert.True(bytes.Length > 1000);
            Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, bytes[..4]);
        }
    }

    [Fact]
    public async Task An_unknown_suite_ends_in_one_error_line()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(1), "reproduce", "--suite", "huge", "--out", _dir);
        Assert.NotEqual(0, p.ExitCode);
        Assert.Equal("error: --suite must be quick or full, not 'huge'", p.StandardError.Trim());
    }

    [Theory]
    [InlineData("5..20")]
    [InlineData("9..4")]
    [InlineData("ten")]
    public async Task A_bad_scaling_range_ends_in_one_error_line(string range)
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(1), "reproduce", "--no-table", "--scaling-bits", range, "--out", _dir);
        Assert.Equal(2, p.ExitCode);
        Assert.Equal($"error: --scaling-bits must be FROM..TO with 2 <= FROM <= TO <= 16, not '{range}'", p.StandardError.Trim());
    }

    [Fact]
    public async Task The_scaling_group_alone_reports_exact_factorised_kl_above_ten_bits()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(3), "reproduce", "--no-table", "--no-noise", "--scaling-bits", "11..11",
            "--steps", "5", "--only", "factorised", "--samples", "200", "--out", _dir);
        Assert.True(p.ExitCode == 0, p.Describe());
        using var doc = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(_dir, "results.json")));
        var runs = doc.RootElement.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(2, runs.Count); // the two factorised baselines on ghz:11, nothing from the table
        foreach (var run in runs)
        {
            Assert.Equal("ghz:11", run.GetProperty("dataset").GetString());
            // Exact from the two GHZ strings' probabilities: at least the factorised bound, 10 ln 2.
            double exact = run.GetProperty("exact_kl").GetDouble();
            Assert.True(exact >= 10 * Math.Log(2) - 1e-6, $"exact KL {exact} below the factorised bound");
        }
    }
}
