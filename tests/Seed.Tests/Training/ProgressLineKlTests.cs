using QD3PM.Seed.Training;
using Xunit;

namespace QD3PM.Seed.Tests.Training;

/// <summary>
/// Issue 10: `train --cluster`'s progress line showed the newest KL next to an older status's step (the step history,
/// where the KLs come from, runs ahead of the status stream). Step, loss and KL on one line now agree.
/// </summary>
public sealed class ProgressLineKlTests
{
    [Fact]
    public void No_KL_is_shown_before_one_at_or_before_the_lines_step()
    {
        var kl = new ProgressLineKl();
        Assert.Equal("", kl.For(10));
        kl.Add(500, 0.25);
        Assert.Equal("", kl.For(499)); // the history ran ahead: step 500's KL does not go on a line for step 499
    }

    [Fact]
    public void A_KL_of_the_lines_own_step_is_shown_plain_and_an_older_one_with_its_step()
    {
        var kl = new ProgressLineKl();
        kl.Add(500, 0.25);
        Assert.Equal(" KL 0.2500", kl.For(500));
        Assert.Equal(" KL 0.2500 (step 500)", kl.For(537));
    }

    [Fact]
    public void A_KL_fetched_ahead_of_the_status_waits_for_a_line_that_shows_its_step()
    {
        var kl = new ProgressLineKl();
        kl.Add(500, 0.25);
        kl.Add(600, 0.125); // fetched with the history up to 620 while the newest status still says 537
        Assert.Equal(" KL 0.2500 (step 500)", kl.For(537));
        Assert.Equal(" KL 0.1250 (step 600)", kl.For(620));
        Assert.Equal(" KL 0.1250 (step 600)", kl.For(700));
    }

    [Fact]
    public void An_evaluation_of_a_step_again_replaces_the_newer_ones()
    {
        var kl = new ProgressLineKl();
        kl.Add(500, 0.25);
        kl.Add(600, 0.125);
        kl.Add(550, 0.5); // steps again from 550 (a resumed follow)
        Assert.Equal(" KL 0.5000 (step 550)", kl.For(650));
    }
}
