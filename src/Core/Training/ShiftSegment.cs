namespace QD3PM.Core.Training;

/// <summary>
/// Parameter shift for some parameters of one sample (<see cref="ShotGradient"/>): the unshifted circuit of each loss term
/// and a ± pair per gate. A sample split over two items repeats its unshifted circuits in both (their counts give each
/// item its own, independent estimate of the loss weights, so both parts stay unbiased); only the part holding the
/// sample's first unit reports its loss.
/// </summary>
public sealed class ShiftSegment(ShotPlan plan, bool carriesLoss) : PlanSegment(plan.Sample, [.. plan.BaseCircuits, .. plan.ShiftedCircuits])
{
    public ShotPlan Plan { get; } = plan;
    public bool CarriesLoss { get; } = carriesLoss;

    public override double Accumulate(QD3PMProblem problem, IReadOnlyList<double[]> frequencies, int shots, double[] gradient)
    {
        int bases = Plan.BaseCircuits.Count;
        var r = ShotGradient.EstimateFrequencies(problem, Plan, frequencies.Take(bases).ToList(), frequencies.Skip(bases).ToList(), shots);
        for (int i = 0; i < r.Gradient.Length; i++) gradient[Plan.Block.Start + i] += r.Gradient[i];
        return CarriesLoss ? r.Loss : 0;
    }
}
