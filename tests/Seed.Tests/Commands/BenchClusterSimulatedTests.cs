using System.Diagnostics;
using System.Text.Json;
using QD3PM.Seed.Tests.Support;
using Xunit;

namespace QD3PM.Seed.Tests.Commands;

public sealed class BenchClusterSimulatedTests
{
    [Fact]
    public async Task Json_has_one_sane_row_per_worker_count_and_every_worker_process_ends()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(4), "bench", "cluster", "--simulated-workers", "1,3",
            "--item-ms", "20", "--parameters", "40", "--batch", "2", "--steps", "2", "--processes", "2", "--json");
        Assert.True(p.ExitCode == 0, p.Describe());
        JsonDocument doc;
        try { doc = JsonDocument.Parse(p.StandardOutput); }
        catch (JsonException ex) { throw new Xunit.Sdk.XunitException($"stdout is not one JSON document ({ex.Message}): {p.Describe()}"); }
        using var _ = doc;
        var rows = doc.RootElement.GetProperty("simulated").EnumerateArray().ToList();
        Assert.Equal([1, 3], rows.Select(r => r.GetProperty("workers").GetInt32()));
        foreach (var row in rows)
        {
            // 40 parameters in shift blocks of 32: 2 blocks x batch 2.
            Assert.Equal(4, row.GetProperty("items_per_step").GetInt64());
            double efficiency = row.GetProperty("efficiency").GetDouble();
            Assert.InRange(efficiency, 0.01, 1.1); // never much faster than items of 20 ms allow
            Assert.InRange(row.GetProperty("item_ms_measured").GetDouble(), 15, 200);
            Assert.True(row.GetProperty("coordinator_us_per_item").GetDouble() > 0);
            // An item and its result cross the wire: at least the 40 parameters or the block's gradient.
            Assert.InRange(row.GetProperty("bytes_per_item").GetDouble(), 8 * 32, 1e7);
            Assert.True(row.GetProperty("coordinator_working_set_mb").GetDouble() > 0);
        }
        foreach (var pid in doc.RootElement.GetProperty("worker_pids").EnumerateArray().Select(e => e.GetInt32()))
            Assert.False(IsRunning(pid), $"worker process {pid} still runs after the benchmark ended");
    }

    [Fact]
    public async Task Bad_worker_counts_end_in_one_error_line()
    {
        using var p = await Qd3pmProcess.RunAsync(TimeSpan.FromMinutes(1), "bench", "cluster", "--simulated-workers", "8,x");
        Assert.Equal(2, p.ExitCode);
        Assert.Equal("error: --simulated-workers must list worker counts from 1 to 4096, e.g. 1,8,32,128,256", p.StandardError.Trim());
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
