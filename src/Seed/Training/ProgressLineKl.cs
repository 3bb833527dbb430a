using System.Globalization;

namespace QD3PM.Seed.Training;

/// <summary>
/// The KL on `train`'s progress line. The line shows the step and loss of the newest status, while the KLs are
/// evaluated on the journaled steps the follower fetched, which can run ahead of that status (one fetch returns every
/// step the run holds) as well as behind it (a KL every --eval-every steps). Shown: the newest KL at or before the
/// line's step, labelled with its own step when that is an older one; never the KL of a step the line does not show.
/// </summary>
public sealed class ProgressLineKl
{
    private readonly List<(long Step, double Kl)> _evaluated = []; // in step order

    /// <summary>The KL of the model after <paramref name="step"/> (steps come in order; a repeated or older one replaces the newer ones).</summary>
    public void Add(long step, double kl)
    {
        _evaluated.RemoveAll(e => e.Step >= step);
        _evaluated.Add((step, kl));
    }

    /// <summary>The text after the line's loss for a line that shows <paramref name="step"/>: "", " KL 0.1234" or " KL 0.1234 (step 500)".</summary>
    public string For(long step)
    {
        int newest = _evaluated.FindLastIndex(e => e.Step <= step);
        if (newest < 0)
            return "";
        _evaluated.RemoveRange(0, newest); // a line's step only grows: the older KLs are never shown again
        var (at, kl) = _evaluated[0];
        string text = " KL " + kl.ToString("F4", CultureInfo.InvariantCulture);
        return at == step ? text : text + " (step " + at.ToString(CultureInfo.InvariantCulture) + ")";
    }
}
