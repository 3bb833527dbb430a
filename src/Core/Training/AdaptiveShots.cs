namespace QD3PM.Core.Training;

/// <summary>
/// Adaptive shot allocation for shot-based parameter shift (`--shot-policy adaptive`, docs/qpu.md): a pilot round
/// runs every shifted circuit with a quarter of the shots; the rest of the item's shots go to the ± pairs in
/// proportion to their estimated standard deviation (Neyman allocation, which minimises the summed variance of the
/// gradient entries for a fixed total), rounded to a few shot counts so they fit in few jobs.
/// </summary>
public static class AdaptiveShots
{
    /// <summary>Shots per shifted circuit in the pilot round.</summary>
    public static int PilotShots(int shots) => Math.Max(1, shots / 4);

    /// <summary>
    /// Extra shots for each pair's two circuits after the pilot: Σ 2·extra ≤ 2·pairs·(shots − pilot), extra_k ∝ σ_k,
    /// rounded to multiples of (shots − pilot)/4 and capped at <paramref name="maxShots"/> − pilot.
    /// </summary>
    public static int[] Allocate(IReadOnlyList<double> deviations, int shots, int maxShots)
    {
        ArgumentNullException.ThrowIfNull(deviations);
        int pilot = PilotShots(shots);
        long remaining = (long)(shots - pilot) * deviations.Count;
        var extra = new int[deviations.Count];
        if (remaining <= 0 || deviations.Count == 0) return extra;
        int quantum = Math.Max(1, (shots - pilot) / 4);
        int cap = Math.Max(0, maxShots - pilot);
        double total = deviations.Sum(d => double.IsFinite(d) && d > 0 ? d : 0);
        if (total <= 0)
        {
            // nothing known (all deviations zero): the uniform split
            Array.Fill(extra, Math.Min(cap, shots - pilot));
            return extra;
        }
        for (int k = 0; k < extra.Length; k++)
        {
            double d = double.IsFinite(deviations[k]) && deviations[k] > 0 ? deviations[k] : 0;
            double share = remaining * d / total;
            extra[k] = (int)Math.Min(cap, Math.Round(share / quantum) * quantum);
        }
        // rounding may overshoot the total: take quanta back from the largest allocations
        long sum = extra.Sum(e => (long)e);
        while (sum > remaining)
        {
            int largest = Array.IndexOf(extra, extra.Max());
            int cut = Math.Min(quantum, extra[largest]);
            extra[largest] -= cut;
            sum -= cut;
        }
        return extra;
    }
}
