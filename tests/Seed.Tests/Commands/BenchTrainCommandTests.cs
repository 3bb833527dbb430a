using System.Text.Json;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

public sealed class BenchTrainCommandTests
{
    [Fact]
    public async Task Json_reports_both_step_times_measured_in_one_run()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(2), "bench", "train", "--dataset", "bas:2x2", "--layers", "2",
            "--batch", "2", "--repeat", "1", "--json");
        Assert.True(p.ExitCode == 0, p.Describe());
        using var doc = JsonDocument.Parse(p.StandardOutput);
        var root = doc.RootElement;
        double adjoint = root.GetProperty("adjoint_step_ms").GetDouble(), shift = root.GetProperty("shift_step_ms").GetDouble();
        Assert.True(adjoint > 0 && shift > 0);
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        // Shift runs two circuits per gate bound to a parameter, per loss term: 2 terms x 2 samples.
        int parameters = root.GetProperty("parameters").GetInt32();
        Assert.True(root.GetProperty("shift_circuits_per_step").GetInt64() > 2 * parameters);
    }

    [Fact]
    public async Task Embedded_steps_times_the_train_path_and_the_in_process_loop_in_one_run()
    {
        // Enough steps that the run outlasts several 100 ms status polls: with fast steps journaled in batches, 400 steps of
        // this small model finish between two polls (about 7,000 steps/s here).
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(2), "bench", "train", "--dataset", "bas:2x2", "--layers", "2",
            "--batch", "2", "--repeat", "1", "--methods", "adjoint", "--embedded-steps", "10000", "--json");
        Assert.True(p.ExitCode == 0, p.Describe());
        using var doc = JsonDocument.Parse(p.StandardOutput);
        var root = doc.RootElement;
        Assert.Equal(10000, root.GetProperty("embedded_steps").GetInt32());
        double embedded = root.GetProperty("embedded_steps_per_s").GetDouble(), local = root.GetProperty("local_loop_steps_per_s").GetDouble();
        Assert.True(embedded > 0 && double.IsFinite(embedded), p.StandardOutput);
        Assert.True(local > 0 && double.IsFinite(local), p.StandardOutput);
        Assert.Equal(local / embedded, root.GetProperty("local_over_embedded").GetDouble(), 9);

        using var none = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(1), "bench", "train", "--dataset", "bas:2x2", "--layers", "1",
            "--batch", "2", "--repeat", "1", "--methods", "adjoint", "--json");
        using var noneDoc = JsonDocument.Parse(none.StandardOutput);
        Assert.Equal(JsonValueKind.Null, noneDoc.RootElement.GetProperty("embedded_steps_per_s").ValueKind);
    }

    [Fact]
    public async Task Methods_adjoint_times_adjoint_only_and_bad_methods_are_refused()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(2), "bench", "train", "--dataset", "bas:2x2", "--layers", "2",
            "--batch", "2", "--repeat", "1", "--methods", "adjoint", "--json");
        Assert.True(p.ExitCode == 0, p.Describe());
        using var doc = JsonDocument.Parse(p.StandardOutput);
        Assert.True(doc.RootElement.GetProperty("adjoint_step_ms").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("shift_step_ms").ValueKind);

        using var bad = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(1), "bench", "train", "--methods", "finite");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.Equal("error: --methods must list adjoint and/or shift, e.g. adjoint,shift", bad.StandardError.Trim());
    }

    [Fact]
    public async Task Bad_threads_end_in_one_error_line()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(1), "bench", "train", "--threads", "0");
        Assert.NotEqual(0, p.ExitCode);
        Assert.Equal("error: --threads must be at least 1", p.StandardError.Trim());
    }
}
