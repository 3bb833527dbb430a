using System.Globalization;
using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Tests.EndToEnd.Cluster;
using QD3PM.Seed.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace QD3PM.Seed.Tests.EndToEnd.Hosts;

/// <summary>
/// Issue 11.2: a TLS cluster on separate hosts (network namespaces, production failure detector and split brain
/// resolver) survives a cut worker, an isolated coordinator, an unreachable database and the death of every node.
/// Each ends with parameters bit-identical to the reference run and a journal written by one coordinator at a time;
/// each prints the seconds from the fault to the next persisted step (the table in docs/architecture.md).
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PartitionTests(ITestOutputHelper output)
{
    [NamespaceFact(Timeout = 240_000)]
    public async Task A_worker_host_cut_off_for_20_s_is_downed_and_the_run_goes_on()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var spec = PartitionRun.Spec(steps: 50, seed: 41);
        var expected = await PartitionRun.ReferenceAsync(spec, cts.Token);
        using var hosts = await TestHosts.CreateAsync(3);
        await Describing(hosts, async () =>
        {
            var (c, w1) = (hosts.Hosts[0], hosts.Hosts[1]);
            var journal = hosts.NewJournal();
            var cutWorker = (await hosts.StartClusterAsync(journal)).Workers[0]; // the node on w1

            using var client = hosts.Management(c);
            var rows = hosts.Journal(journal);
            var runId = await client.SubmitAsync(spec, null, cts.Token);
            await PartitionRun.WaitForStepAsync(rows, runId, 3, TimeSpan.FromSeconds(60), cts.Token);
            var cut = DateTime.UtcNow;
            hosts.Cut(w1);
            await Task.Delay(TimeSpan.FromSeconds(20), cts.Token);
            hosts.Heal(w1);
            var atHeal = await rows.TryLastStepAsync(runId, cts.Token);
            Assert.True(atHeal < spec.Steps, "the run ended during the cut: nothing was left to prove after healing");

            // The majority downed the cut worker and the worker downed itself (keep-majority): it shut down. A new
            // process on the healed host joins again and takes work.
            Assert.True(await cutWorker.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the cut worker was not downed");
            var rejoined = hosts.StartNode(w1, "simulator", [c]);
            await rejoined.WaitForOutputAsync("node up", TestHosts.NodeUpTimeout);

            var final = await client.FollowAsync(runId, null, cts.Token);
            Assert.Equal(RunState.Completed, final.State);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
            var all = await rows.ReadAsync(runId, cts.Token);
            Assert.Single(JournalRows.AssertOneWriterAtATime(all, spec.Steps));
            Report("worker host cut off 20 s", PartitionRun.SecondsToResume(all, cut));
        });
    }

    [NamespaceFact(Timeout = 300_000)]
    public async Task The_isolated_coordinator_host_is_downed_and_the_other_coordinator_takes_over_from_the_journal()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(290));
        var spec = PartitionRun.Spec(steps: 50, seed: 43);
        var expected = await PartitionRun.ReferenceAsync(spec, cts.Token);
        using var hosts = await TestHosts.CreateAsync(5);
        await Describing(hosts, async () =>
        {
            var (c1, c2) = (hosts.Hosts[0], hosts.Hosts[1]);
            var journal = hosts.NewJournal();
            // c1 comes up first, so it is the oldest coordinator and hosts the singleton.
            var active = (await hosts.StartClusterAsync(journal, coordinators: 2)).Coordinators[0];

            using var client = hosts.Management(c2);
            var rows = hosts.Journal(journal);
            var runId = await client.SubmitAsync(spec, null, cts.Token);
            var before = await PartitionRun.WaitForStepAsync(rows, runId, 3, TimeSpan.FromSeconds(60), cts.Token);
            var cut = DateTime.UtcNow;
            hosts.Cut(c1);
            // The majority (c2 and the three workers) downs c1; the singleton starts on c2 and recovers the run.
            var resumedAt = await PartitionRun.WaitForStepAsync(rows, runId, before + 2, TimeSpan.FromSeconds(90), cts.Token);
            Assert.True(await active.WaitForExitAsync(TimeSpan.FromSeconds(30)), "the isolated coordinator did not down itself");
            hosts.Heal(c1);
            Assert.True(resumedAt < spec.Steps, "the run ended before healing: the old coordinator's silence proves nothing");

            var final = await client.FollowAsync(runId, null, cts.Token);
            Assert.Equal(RunState.Completed, final.State);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
            var all = await rows.ReadAsync(runId, cts.Token);
            // Two writers, one after the other: c1 never wrote again once c2 had.
            Assert.Equal(2, JournalRows.AssertOneWriterAtATime(all, spec.Steps).Count);
            Report("active coordinator host isolated (5 hosts)", PartitionRun.SecondsToResume(all, cut));
        });
    }

    [NamespaceFact(Timeout = 240_000)]
    public async Task Training_waits_while_the_database_host_is_unreachable_for_15_s_and_continues()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var spec = PartitionRun.Spec(steps: 40, seed: 47);
        var expected = await PartitionRun.ReferenceAsync(spec, cts.Token);
        using var hosts = await TestHosts.CreateAsync(3);
        await Describing(hosts, async () =>
        {
            var c = hosts.Hosts[0];
            var journal = hosts.NewJournal();
            var coordinator = (await hosts.StartClusterAsync(journal)).Coordinators[0];

            using var client = hosts.Management(c);
            var rows = hosts.Journal(journal);
            var runId = await client.SubmitAsync(spec, null, cts.Token);
            await PartitionRun.WaitForStepAsync(rows, runId, 3, TimeSpan.FromSeconds(60), cts.Token);
            var cut = DateTime.UtcNow;
            hosts.Cut(hosts.DatabaseHost);
            // Status stays answerable during the outage (runs show, top, clients): the run persists off its command
            // path (PersistAsync) and, once a write failed, the coordinator answers from its waiting-for-journal status.
            var slowest = TimeSpan.Zero;
            var states = new HashSet<RunState>();
            var outage = System.Diagnostics.Stopwatch.StartNew();
            while (outage.Elapsed < TimeSpan.FromSeconds(15))
            {
                var call = System.Diagnostics.Stopwatch.StartNew();
                states.Add((await client.GetAsync(runId, false, cts.Token)).State);
                slowest = call.Elapsed > slowest ? call.Elapsed : slowest;
                await Task.Delay(500, cts.Token);
            }
            hosts.Heal(hosts.DatabaseHost);
            output.WriteLine($"status during the outage: slowest answer {slowest.TotalSeconds:0.0} s, states {string.Join(", ", states)}");

            var final = await client.FollowAsync(runId, null, cts.Token);
            Assert.Equal(RunState.Completed, final.State);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
            Assert.False(coordinator.HasExited, "the coordinator node died during the outage");
            var all = await rows.ReadAsync(runId, cts.Token);
            Assert.Single(JournalRows.AssertOneWriterAtATime(all, spec.Steps));
            Report("PostgreSQL host unreachable 15 s", PartitionRun.SecondsToResume(all, cut));
        });
    }

    [NamespaceFact(Timeout = 240_000)]
    public async Task Every_node_killed_at_once_and_restarted_resumes_the_run_by_itself()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(230));
        var spec = PartitionRun.Spec(steps: 30, seed: 53);
        var expected = await PartitionRun.ReferenceAsync(spec, cts.Token);
        using var hosts = await TestHosts.CreateAsync(3);
        await Describing(hosts, async () =>
        {
            var c = hosts.Hosts[0];
            var journal = hosts.NewJournal();
            var first = await hosts.StartClusterAsync(journal);

            var rows = hosts.Journal(journal);
            string runId;
            using (var client = hosts.Management(c))
                runId = await client.SubmitAsync(spec, null, cts.Token);
            var before = await PartitionRun.WaitForStepAsync(rows, runId, 3, TimeSpan.FromSeconds(60), cts.Token);
            var cut = DateTime.UtcNow;
            Parallel.ForEach(first.All, p => p.Kill());
            Assert.True(before < spec.Steps);

            // Nobody submits or resumes anything: the restarted coordinator recovers the run from the journal.
            await hosts.StartClusterAsync(journal, waitUntilUp: false);
            await PartitionRun.WaitForStepAsync(rows, runId, before + 1, TimeSpan.FromSeconds(120), cts.Token);
            using var again = hosts.Management(c);
            var final = await again.FollowAsync(runId, null, cts.Token);
            Assert.Equal(RunState.Completed, final.State);
            ClusterHarness.AssertBitIdentical(expected, final.Parameters);
            var all = await rows.ReadAsync(runId, cts.Token);
            Assert.Equal(2, JournalRows.AssertOneWriterAtATime(all, spec.Steps).Count);
            Report("every node killed at once, restarted", PartitionRun.SecondsToResume(all, cut));
        });
    }

    private void Report(string scenario, double seconds) =>
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"partition | {scenario} | {seconds:0.0} s to the next persisted step | parameters identical: yes"));

    private static async Task Describing(TestHosts hosts, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException(ex.Message + "\n" + ex.StackTrace + "\n" + hosts.Describe());
        }
    }
}
