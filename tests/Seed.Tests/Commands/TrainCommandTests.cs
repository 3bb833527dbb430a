using System.Text.Json;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

/// <summary>
/// `qd3pm train | sample | evaluate | inpaint` as a user runs them (real processes): the embedded cluster trains the
/// exact parameters of the in-process reference loop, a stopped run resumes to the same result, and bad input ends
/// in one error line.
/// </summary>
public sealed class TrainCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"qd3pm-train-{Guid.NewGuid():N}");

    public TrainCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); }
        catch (IOException) { }
    }

    private static double[] Reference(string runDir) => RunFiles.Reference(runDir);

    private static double[] Parameters(string runDir) => RunFiles.Parameters(runDir);

    [Theory]
    [InlineData("qd3pm", "multi-step")]
    [InlineData("classical-d3pm", "single-step")]
    [InlineData("factorized-quantum", "multi-step")]
    public async Task Train_writes_the_reference_parameters_and_the_model_samples_evaluates_and_inpaints(string model, string mode)
    {
        string run = Path.Combine(_dir, "run");
        using var train = await Qd3pmProcess.RunAsync(Timeout, "train", "--dataset", "bas:2x2", "--model", model, "--mode", mode,
            "--layers", "2", "--steps", "24", "--batch", "4", "--eval-every", "8", "--eval-samples", "500", "--out", run);
        Assert.True(train.ExitCode == 0, train.Describe());
        Assert.Matches(@"KL \d+\.\d+", train.StandardOutput);
        Assert.DoesNotContain("NaN", train.StandardOutput); // no loss before the first step: "-", not NaN (issue 13.6)
        Assert.Equal(Reference(run), Parameters(run));
        var metrics = File.ReadAllLines(Path.Combine(run, "metrics.csv"));
        Assert.StartsWith("step,loss", metrics[0]);
        // One row per step (from the run's step history), the KL on every --eval-every step and the last.
        var steps = metrics.Skip(1).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, 24).Select(s => (long)s), steps);
        Assert.Equal(new long[] { 8, 16, 24 }, metrics.Skip(1).Where(l => l.Split(',')[2].Length > 0).Select(l => long.Parse(l.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture)));
        var last = metrics[^1].Split(',');
        Assert.Equal("24", last[0]);
        Assert.InRange(double.Parse(last[2], System.Globalization.CultureInfo.InvariantCulture), 0, 20);

        AssertBestModelIsTheLowestKlOfTheMetrics(run, metrics);
        if (model == "qd3pm")
        {
            // the kept parameters are the evaluated ones: evaluating the file gives the KL it was kept for
            using var best = await Qd3pmProcess.RunAsync(Timeout, "evaluate", "--model", Path.Combine(run, "best-model.json"), "--samples", "200", "--json");
            Assert.True(best.ExitCode == 0, best.Describe());
            using var bestDoc = JsonDocument.Parse(best.StandardOutput);
            Assert.Equal(BestKl(run), bestDoc.RootElement.GetProperty("exact_kl").GetDouble(), 12);
        }

        string modelFile = Path.Combine(run, "model.json");
        using var sample = await Qd3pmProcess.RunAsync(Timeout, "sample", "--model", modelFile, "--count", "7", "--seed", "3");
        var lines = sample.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(7, lines.Length);
        Assert.All(lines, l => Assert.Matches("^[01]{4}$", l));

        using var evaluate = await Qd3pmProcess.RunAsync(Timeout, "evaluate", "--model", modelFile, "--samples", "2000", "--json");
        using var doc = JsonDocument.Parse(evaluate.StandardOutput);
        double kl = doc.RootElement.GetProperty("kl").GetDouble();
        Assert.InRange(kl, 0, 20);
        Assert.InRange(doc.RootElement.GetProperty("valid_fraction").GetDouble(), 0, 1);
        Assert.Equal(2000, doc.RootElement.GetProperty("samples").GetInt32());
        Assert.True(doc.RootElement.GetProperty("exact_kl").GetDouble() >= 0);

        using var inpaint = await Qd3pmProcess.RunAsync(Timeout, "inpaint", "--model", modelFile, "--known", "1?0?", "--count", "6");
        Assert.True(inpaint.ExitCode == 0, inpaint.Describe());
        var completions = inpaint.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.Length == 4 && l.All(c => c is '0' or '1')).ToList();
        Assert.Equal(6, completions.Count);
        Assert.All(completions, c => Assert.Matches("^1.0.$", c));
    }

    private static double BestKl(string runDir)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "best-model.json")));
        return doc.RootElement.GetProperty("kl_at_step").GetDouble();
    }

    /// <summary>best-model.json holds the step with the lowest KL in metrics.csv (the first of equals) and that KL.</summary>
    private static void AssertBestModelIsTheLowestKlOfTheMetrics(string runDir, string[] metrics)
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var evaluated = metrics.Skip(1).Select(l => l.Split(',')).Where(f => f[2].Length > 0)
            .Select(f => (Step: long.Parse(f[0], inv), Kl: double.Parse(f[2], inv))).ToList();
        Assert.NotEmpty(evaluated);
        var lowest = evaluated.MinBy(e => e.Kl);
        Assert.Equal(lowest.Kl, BestKl(runDir));
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "best-model.json")));
        Assert.Equal(lowest.Step, doc.RootElement.GetProperty("steps_completed").GetInt64());
        Assert.Equal(Parameters(runDir).Length, doc.RootElement.GetProperty("parameters").GetArrayLength());
    }

    [Fact]
    public async Task A_terminated_run_resumes_to_the_parameters_of_an_uninterrupted_one()
    {
        string run = Path.Combine(_dir, "resumed");
        // 10,000 steps: this spec runs at up to 3,600 steps/s here, and the stop must come before the end
        using (var first = Qd3pmProcess.Start("train", "train", "--dataset", "bas:2x2", "--layers", "2", "--steps", "10000", "--batch", "4",
                   "--eval-every", "0", "--eval-samples", "200", "--out", run))
        {
            string metrics = Path.Combine(run, "metrics.csv");
            var until = DateTime.UtcNow + Timeout;
            while (DateTime.UtcNow < until && (!File.Exists(metrics) || File.ReadAllLines(metrics).Length < 10) && !first.HasExited)
                await Task.Delay(100);
            first.Terminate();
            Assert.True(await first.WaitForExitAsync(Timeout), first.Describe());
            Assert.NotEqual(0, first.ExitCode);
            Assert.False(File.Exists(Path.Combine(run, "model.json")), "the run finished before it was stopped: " + first.Describe());
        }
        using var second = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(4), "train", "--resume", run, "--eval-samples", "200");
        Assert.True(second.ExitCode == 0, second.Describe());
        Assert.Equal(Reference(run), Parameters(run));
    }

    [Fact]
    public async Task A_run_directory_of_an_earlier_version_resumes_where_it_stopped_and_its_model_file_still_samples()
    {
        string fixture = Path.Combine(RepoPaths.Root, "tests", "Seed.Tests", "Fixtures", "run-format-1");
        string run = Path.Combine(_dir, "format-1");
        Directory.CreateDirectory(run);
        foreach (var file in new[] { "spec.json", "journal.db" })
            File.Copy(Path.Combine(fixture, file), Path.Combine(run, file));
        using var resumed = await Qd3pmProcess.RunAsync(Timeout, "train", "--resume", run, "--eval-samples", "200");
        Assert.True(resumed.ExitCode == 0, resumed.Describe());
        // The fixture's first 200 steps ran on that version's simulator kernels, which round differently from
        // today's fused plan: the resumed run agrees with a reference run of this version to rounding, not bits.
        var expected = Reference(run);
        var actual = Parameters(run);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-9, $"parameter {i}: {actual[i]:R} against {expected[i]:R}");
        var firstRow = File.ReadLines(Path.Combine(run, "metrics.csv")).Skip(1).First();
        // The rows start at the oldest step the old journal still holds (its snapshot at step 200 carries no loss history).
        Assert.True(long.Parse(firstRow.Split(',')[0], System.Globalization.CultureInfo.InvariantCulture) >= 200,
            "the resumed run started again from scratch: " + firstRow);

        using var sample = await Qd3pmProcess.RunAsync(Timeout, "sample", "--model", Path.Combine(fixture, "model.json"), "--count", "3");
        Assert.True(sample.ExitCode == 0, sample.Describe());
        Assert.Equal(3, sample.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Length == 4 && l.All(c => c is '0' or '1')));
    }

    [Theory]
    [InlineData("--steps", "0", "invalid training spec: steps must be at least 1")]
    [InlineData("--dataset", "bas:9x9", "invalid training spec: ")]
    [InlineData("--model", "gpt", "invalid training spec: unknown model 'gpt'")]
    [InlineData("--gradient", "magic", "--gradient: 'magic' is not one of adjoint, shift, spsa, shift-subset")]
    [InlineData("--mode", "sideways", "--mode: 'sideways' is not one of multi-step, single-step")]
    [InlineData("--lr", "inf", "--lr: 'inf' is not a number")]
    [InlineData("--lr", "Infinity", "invalid training spec: the learning rate must be a positive number")]
    public async Task Bad_flags_end_in_one_error_line(string flag, string value, string message)
    {
        var args = new List<string> { "train", "--out", Path.Combine(_dir, "bad"), "--steps", "3" };
        if (flag == "--steps") args.RemoveRange(3, 2);
        if (flag != "--dataset") args.AddRange(["--dataset", "bas:2x2"]);
        args.AddRange([flag, value]);
        using var p = await Qd3pmProcess.RunAsync(Timeout, [.. args]);
        Assert.NotEqual(0, p.ExitCode);
        var error = p.StandardError.Trim();
        Assert.StartsWith("error: ", error);
        Assert.Contains(message, error);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public async Task A_bad_data_file_names_its_line()
    {
        string file = Path.Combine(_dir, "data.txt");
        File.WriteAllText(file, "0101\n1100\n11x0\n");
        using var p = await Qd3pmProcess.RunAsync(Timeout, "train", "--dataset", $"file:{file}", "--steps", "2", "--out", Path.Combine(_dir, "f"));
        Assert.NotEqual(0, p.ExitCode);
        Assert.Matches(@"^error: .*data\.txt:3:3: 'x' is not a bit", p.StandardError.Trim());
    }

    [Fact]
    public async Task Missing_and_corrupt_model_files_end_in_one_error_line()
    {
        using var missing = await Qd3pmProcess.RunAsync(Timeout, "sample", "--model", Path.Combine(_dir, "none.json"), "--count", "2");
        Assert.NotEqual(0, missing.ExitCode);
        Assert.StartsWith("error: ", missing.StandardError.Trim());
        string corrupt = Path.Combine(_dir, "corrupt.json");
        File.WriteAllText(corrupt, "{\"format\": \"qd3pm-model/1\", \"parameters\": [1, 2");
        using var bad = await Qd3pmProcess.RunAsync(Timeout, "evaluate", "--model", corrupt, "--json");
        Assert.NotEqual(0, bad.ExitCode);
        Assert.StartsWith("error: ", bad.StandardError.Trim());
        Assert.DoesNotContain('\n', bad.StandardError.Trim());
    }
}
