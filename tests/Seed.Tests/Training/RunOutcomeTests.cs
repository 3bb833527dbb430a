using QD3PM.Protocol.Cluster;
using QD3PM.Seed.Cli;
using QD3PM.Seed.Training;
using Xunit;

namespace QD3PM.Seed.Tests.Training;

/// <summary>How `train` and `runs watch` end when the run they follow stops: exit codes and the one error line.</summary>
public sealed class RunOutcomeTests
{
    private static RunStatus Stopped(RunState state, string error = "") => new()
    {
        RunId = "r1", State = state, Step = 2, TotalSteps = 4, Error = error, QpuShots = 800,
        Budget = new RunBudget { MaxShots = 1_000 },
    };

    [Fact]
    public void A_completed_run_is_success_and_every_other_stop_is_one_line_with_its_exit_code()
    {
        Assert.Null(RunOutcome.Error(Stopped(RunState.Completed), "`qd3pm runs resume r1`"));

        var budget = RunOutcome.Error(Stopped(RunState.BudgetExhausted, "budget exhausted: the next step would spend about QPU shots 400; left: QPU shots 200"),
            "`qd3pm runs resume r1`");
        Assert.Equal(ExitCodes.BudgetExhausted, budget!.ExitCode);
        Assert.Equal("run r1 stopped at step 2 of 4: budget exhausted: the next step would spend about QPU shots 400; left: QPU shots 200; " +
                     "continue with `qd3pm runs resume r1` --qpu-budget-shots N or --qpu-budget-cost X that covers what it has spent and the next step",
            budget.Message);

        var failed = RunOutcome.Error(Stopped(RunState.Failed, "work item r1/2/0/0 failed: boom"), "x");
        Assert.Equal((ExitCodes.Failed, "run r1 failed at step 2 of 4: work item r1/2/0/0 failed: boom"), (failed!.ExitCode, failed.Message));
        var cancelled = RunOutcome.Error(Stopped(RunState.Cancelled), "x");
        Assert.Equal((ExitCodes.Failed, "run r1 cancelled at step 2 of 4"), (cancelled!.ExitCode, cancelled.Message));
        Assert.DoesNotContain('\n', budget.Message + failed.Message + cancelled.Message);
    }
}
