namespace QD3PM.Core.Training;

/// <summary>
/// A half-open range [Start, End) of a step's gradient units (<see cref="UnitLayout"/>): for parameter shift one unit is
/// one (sample, parameter), for SPSA one sample, for the random-subset shift one (sample, chosen parameter).
/// </summary>
public readonly record struct UnitRange(int Start, int End)
{
    public int Count => End - Start;
}
