using System.Diagnostics;
using QD3PM.Core.Training;
using QD3PM.Nodes.Training;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Training;

namespace QD3PM.Seed.Commands.Bench;

/// <summary>
/// `bench train --embedded-steps N`: the steps/s of `qd3pm train`'s embedded path (the same <see cref="InProcessRunClient"/>:
/// coordinator and worker actors, step events journaled in SQLite) against the in-process loop of `reproduce`
/// (<see cref="LocalTrainer"/>) on the same spec, measured alternately in this process, best of two rounds each. The embedded rate is
/// taken from its first fifth of steps to its last by
/// the completion times its status reports (node start, JIT warm-up and shutdown excluded); the loop is warmed up likewise.
/// </summary>
public static class EmbeddedTrainBenchmark
{
    public sealed record Rates(double EmbeddedStepsPerSecond, double LocalStepsPerSecond)
    {
        public double LocalOverEmbedded => LocalStepsPerSecond / EmbeddedStepsPerSecond;
    }

    private const int Rounds = 2;

    public static async Task<Rates> RunAsync(TrainingSpec benchSpec, int steps, CancellationToken ct)
    {
        var spec = benchSpec with { Steps = steps, Gradient = GradientMethod.Adjoint };
        var problems = StandInProblems.NewCache();
        var problem = problems.Get(spec);
        // Alternating rounds, the best of each counts (the machine is shared and noise only ever takes time away).
        double local = 0, embedded = 0;
        for (int round = 0; round < Rounds; round++)
        {
            local = Math.Max(local, LocalRate(problem, steps, ct));
            embedded = Math.Max(embedded, await EmbeddedRate(spec, problems, ct));
        }
        return new Rates(embedded, local);
    }

    /// <remarks>Looks at <paramref name="ct"/> between steps (Ctrl-C, SIGTERM): a token check costs nothing beside a step.</remarks>
    private static double LocalRate(IGradientProblem problem, int steps, CancellationToken ct)
    {
        var blocks = new[] { ParameterRange.All(problem.ParameterCount) };
        var state = problem.InitialState();
        int warm = Math.Max(1, steps / 5);
        for (int i = 0; i < warm; i++)
        {
            ct.ThrowIfCancellationRequested();
            state = LocalTrainer.Step(problem, state, blocks, GradientMethod.Adjoint);
        }
        var watch = Stopwatch.StartNew();
        for (int i = warm; i < steps; i++)
        {
            ct.ThrowIfCancellationRequested();
            state = LocalTrainer.Step(problem, state, blocks, GradientMethod.Adjoint);
        }
        return (steps - warm) / watch.Elapsed.TotalSeconds;
    }

    private static async Task<double> EmbeddedRate(TrainingSpec spec, ProblemCache problems, CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("qd3pm-bench-train-").FullName;
        try
        {
            // Timed by the run's own clock: a status carries the completion time of its step (journaled, ms).
            (long Step, long Ms) warm = (-1, 0);
            var final = await new EmbeddedClusterRunner().RunAsync(spec, dir, status =>
            {
                if (warm.Step < 0 && status.Step >= Math.Max(1, spec.Steps / 5) && status.Step < spec.Steps)
                    warm = (status.Step, status.UpdatedUnixMs);
            }, ct, problems);
            double seconds = (final.UpdatedUnixMs - warm.Ms) / 1000.0;
            if (warm.Step < 0 || seconds <= 0)
                throw new CliException($"--embedded-steps {spec.Steps} ran too fast to time (the status is polled every 100 ms): give more steps");
            return (final.Step - warm.Step) / seconds;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }
    }
}
