namespace QD3PM.Seed.Reproduce;

/// <summary>What one experiment measured (serialised into results.json).</summary>
public sealed record ExperimentResult
{
    public required string Label { get; init; }
    public required string Group { get; init; }
    public required string Dataset { get; init; }
    public required string Model { get; init; }
    public required string Mode { get; init; }
    public required int Bits { get; init; }
    public required int Layers { get; init; }
    public required int Steps { get; init; }
    public required long Seed { get; init; }
    public required double LearningRate { get; init; }

    /// <summary>Depolarizing probability after every gate, in training and in the evaluated model (0: noiseless).</summary>
    public double Noise { get; init; }
    public required int Parameters { get; init; }

    /// <summary>KL(target ‖ model) in nats from <see cref="Samples"/> samples (probabilities clipped at 1e-7).</summary>
    public required double Kl { get; init; }

    /// <summary>KL from the exact model distribution (data sets up to 10 bits).</summary>
    public double? ExactKl { get; init; }

    public double? ValidFraction { get; init; }
    public required int Samples { get; init; }

    /// <summary>Total correlation of the data: the lowest KL any factorised one-step model can reach.</summary>
    public required double FactorisedBound { get; init; }

    public required long CircuitEvaluations { get; init; }
    public required double WallSeconds { get; init; }

    /// <summary>(step, KL) during training: exact KL when the data set is small enough, else from 2,000 samples.</summary>
    public required IReadOnlyList<double[]> KlTrace { get; init; }

    public required double[] Target { get; init; }
    public required double[] Generated { get; init; }

    /// <summary>Inpainting examples: the known pattern ('?' unknown) and completions (bitstrings).</summary>
    public IReadOnlyList<InpaintingExample> Inpainting { get; init; } = [];

    /// <summary>
    /// Conditional generation against the truth (<see cref="Core.Metrics.InpaintingEvaluation"/>): half the bits known
    /// (rounded down), every mask and every pattern of known values in the data; null when not measured.
    /// </summary>
    public Core.Metrics.InpaintingScore? Conditional { get; init; }
}

/// <summary>Completions of one partly known pattern.</summary>
public sealed record InpaintingExample(string Known, IReadOnlyList<string> Completions, double ValidFraction);
