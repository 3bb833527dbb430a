namespace QD3PM.Core.Training;

/// <summary>How the denoiser generates (JSON and CLI names: multi-step, single-step).</summary>
public enum DiffusionMode
{
    /// <summary>Ancestral sampling: T circuit runs per sample, the denoiser learns p(x_{t-1} | x_t, t).</summary>
    MultiStep,

    /// <summary>One circuit run turns noise into a sample: the denoiser learns p(x_0 | x_T).</summary>
    SingleStep,
}
