namespace QD3PM.Core.Training;

/// <summary>
/// How a multi-step sample draws its time step t in 2..T (JSON and CLI names: uniform, signal). See
/// <see cref="Diffusion.TimeStepSampler"/>.
/// </summary>
public enum TimeSampling
{
    /// <summary>t ~ U{2..T}: every step's conditional weighs the same (the paper; runs written before the field existed).</summary>
    Uniform,

    /// <summary>
    /// P(t) ∝ abar_{t-1}², abar_{t-1} the weight of the data in x_{t-1}: the low-noise steps, which decide the samples, get
    /// most of the training; the noisiest ones little. Measured in docs/results.md ("Long runs"): with uniform t, long runs
    /// get worse (the KL of the chain rises while the loss falls); abar and abar² both slow that, abar² more.
    /// </summary>
    Signal,
}
