using System.Globalization;

namespace QD3PM.Core.Training;

/// <summary>
/// Which steps of a run go to the QPU (`--qpu-schedule`, <see cref="TrainingSpec.QpuSchedule"/>): <c>last:K</c> (simulators
/// first, the QPU fine-tunes the last K steps on the device's own noise), <c>first:K</c>, or <c>every:K</c> (every K-th
/// step: steps K-1, 2K-1, ...). On a scheduled step the items carry the run's <see cref="TrainingSpec.BackendPolicy"/>;
/// on the others they are sim-only. No schedule: every step follows the policy.
/// </summary>
public static class QpuSchedule
{
    public static BackendPolicy PolicyFor(TrainingSpec spec, long step)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (spec.QpuSchedule is null || spec.BackendPolicy == BackendPolicy.SimOnly) return spec.BackendPolicy;
        var (kind, k) = Parse(spec.QpuSchedule);
        bool onQpu = kind switch
        {
            "last" => step >= spec.Steps - k,
            "first" => step < k,
            _ => step % k == k - 1,
        };
        return onQpu ? spec.BackendPolicy : BackendPolicy.SimOnly;
    }

    /// <summary>(kind, K) of a schedule; <see cref="InvalidSpecException"/> for anything else.</summary>
    public static (string Kind, int K) Parse(string schedule)
    {
        var parts = schedule.Trim().ToLowerInvariant().Split(':');
        if (parts.Length == 2 && parts[0] is "last" or "first" or "every"
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int k) && k >= 1)
            return (parts[0], k);
        throw new InvalidSpecException($"unknown QPU schedule '{schedule}' (expected last:K, first:K or every:K with K >= 1)");
    }
}
