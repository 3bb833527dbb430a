namespace QD3PM.Core.Training;

/// <summary>
/// One parameter-shift pair of a <see cref="ShotPlan"/>: d(loss term <see cref="Term"/>)/d(parameter
/// Block.Start + <see cref="Parameter"/>) += <see cref="Weight"/> * (E_w[plus] - E_w[minus]), where the indices point
/// into <see cref="ShotPlan.ShiftedCircuits"/> and Weight = gate scale x rule coefficient.
/// </summary>
public readonly record struct ShiftPair(int Term, int Parameter, double Weight, int Plus, int Minus);
