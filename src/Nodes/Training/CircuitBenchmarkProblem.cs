using System.Globalization;
using QD3PM.Core.Circuits;
using QD3PM.Core.Gradients;
using QD3PM.Core.Simulation;
using QD3PM.Core.Optimization;
using QD3PM.Core.Training;

namespace QD3PM.Nodes.Training;

/// <summary>
/// A model-shaped stand-in for cluster benchmarks (spec Model "circuit-benchmark", Dataset "circuit:QUBITS"; Layers
/// from the spec): per layer RX-RY-RX on every qubit and a trainable ZZ on every pair (all-to-all), the loss of
/// sample s at step t is the expectation of a random diagonal observable drawn from (seed, t, s). Gradients are real
/// state-vector circuit runs: parameter shift (2 runs per parameter of the item's block + 1) or adjoint. It has the
/// QD3PM circuit's size and gate mix for 9 data bits + 1 ancilla (circuit:10), not its loss.
/// </summary>
public sealed class CircuitBenchmarkProblem : IGradientProblem
{
    public const string ModelName = "circuit-benchmark";

    private readonly ParametricOperation[] _operations;
    private readonly int _qubits;

    public CircuitBenchmarkProblem(TrainingSpec spec)
    {
        Spec = spec.Validate();
        var parts = spec.Dataset.Split(':');
        if (parts.Length != 2 || parts[0] != "circuit" || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out _qubits)
            || _qubits is < 2 or > 20)
            throw new ArgumentException($"circuit benchmark data set must be circuit:QUBITS (2..20), not '{spec.Dataset}'");
        Optimizer = new Adam(spec.LearningRate, spec.LearningRate, spec.Steps);
        var ops = new List<ParametricOperation>();
        int index = 0;
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            for (int q = 0; q < _qubits; q++)
            {
                ops.Add(ParametricOperation.Rotation(GateKind.RX, index++, [q]));
                ops.Add(ParametricOperation.Rotation(GateKind.RY, index++, [q]));
                ops.Add(ParametricOperation.Rotation(GateKind.RX, index++, [q]));
            }
            for (int a = 0; a < _qubits; a++)
                for (int b = a + 1; b < _qubits; b++)
                    ops.Add(ParametricOperation.Rotation(GateKind.ZZ, index++, [a, b]));
        }
        _operations = [.. ops];
        ParameterCount = index;
    }

    public TrainingSpec Spec { get; }
    public int ParameterCount { get; }
    public int SamplesPerStep => Spec.Batch;

    public TrainerState InitialState()
    {
        var rng = new Random(unchecked((int)Spec.Seed));
        var p = new double[ParameterCount];
        for (int i = 0; i < p.Length; i++)
            p[i] = (rng.NextDouble() - 0.5) * 0.5;
        return TrainerState.Start(p);
    }

    public SampleGradient Evaluate(ReadOnlySpan<double> parameters, long step, int sample, ParameterRange block, GradientMethod method)
    {
        var observable = Observable(step, sample);
        // The block's parameters stay trainable (renumbered from 0); every other gate is bound to its current angle.
        var circuit = new ParametricCircuit(_qubits, block.Count);
        int trainableGates = 0;
        foreach (var op in _operations)
        {
            if (op.ParameterIndex >= block.Start && op.ParameterIndex < block.End)
            {
                circuit.Add(op with { ParameterIndex = op.ParameterIndex - block.Start });
                trainableGates++;
            }
            else
            {
                circuit.Add(ParametricOperation.Fixed(op.Kind, [op.Scale * parameters[op.ParameterIndex] + op.Offset], op.Qubits));
            }
        }
        var theta = parameters.Slice(block.Start, block.Count);
        var gradient = new double[block.Count];
        double loss;
        long evaluations;
        if (method == GradientMethod.Shift)
        {
            loss = ParameterShift.ExpectationAndGradient(circuit, theta, observable, gradient);
            evaluations = 1 + 2L * trainableGates;
        }
        else
        {
            loss = AdjointDifferentiation.ExpectationAndGradient(circuit, theta, observable, gradient);
            evaluations = 1;
        }
        return new SampleGradient(sample, block, loss, gradient, evaluations);
    }

    /// <summary>Plain Adam at the spec's learning rate (no decay).</summary>
    public Adam Optimizer { get; }

    private double[] Observable(long step, int sample)
    {
        var rng = new Random(SyntheticGradientProblem.Mix(Spec.Seed, step, sample));
        var d = new double[1 << _qubits];
        for (int i = 0; i < d.Length; i++)
            d[i] = rng.NextDouble() * 2 - 1;
        return d;
    }
}
