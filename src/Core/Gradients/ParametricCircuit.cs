using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// A circuit whose gate angles are affine functions of a parameter vector theta (several gates may share one
/// parameter). Read-only after construction, so one instance may be run from several threads at once.
/// </summary>
public sealed class ParametricCircuit
{
    /// <summary>Most parameters any gate takes (CU: θ, φ, λ, γ); sizes the stack buffers of the hot loops.</summary>
    internal const int MaxGateParameters = 4;

    private readonly List<ParametricOperation> _operations = [];
    private CircuitPlan? _plan;
    private bool _sealed;

    // Scratch for the diagonal segments of forward runs; one per thread, so circuits stay shareable across threads.
    [ThreadStatic] private static PhaseTable? t_table;

    public ParametricCircuit(int qubitCount, int parameterCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(qubitCount);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        QubitCount = qubitCount;
        ParameterCount = parameterCount;
    }

    public int QubitCount { get; }
    public int ParameterCount { get; }
    public IReadOnlyList<ParametricOperation> Operations => _operations;

    /// <summary>Appends a gate after checking its kind, qubits, parameter index and number of constants.</summary>
    public void Add(ParametricOperation operation)
    {
        ArgumentNullException.ThrowIfNull(operation);
        if (_sealed)
            throw new InvalidOperationException("this circuit is shared (sealed): build a new one to change it");
        string name = GateInfo.QasmName(operation.Kind);
        if (operation.Kind is GateKind.Measure or GateKind.Reset)
            throw new ArgumentException($"{name} is not unitary and cannot be part of a differentiable circuit");
        int parameters = GateInfo.ParameterCount(operation.Kind);
        if (operation.IsParametric)
        {
            if (parameters == 0)
                throw new ArgumentException($"{name} has no angle to bind to parameter {operation.ParameterIndex}");
            if (operation.ParameterIndex >= ParameterCount)
                throw new ArgumentOutOfRangeException(nameof(operation),
                    $"{name}: parameter index {operation.ParameterIndex} out of range 0..{ParameterCount - 1}");
        }
        int constants = operation.IsParametric ? parameters - 1 : parameters;
        if (operation.Constants.Length != constants)
            throw new ArgumentException($"{name} needs {constants} constant parameter(s), got {operation.Constants.Length}");
        new Operation(operation.Kind, operation.Qubits, new double[parameters]).Validate(QubitCount);
        _operations.Add(operation);
        _plan = null;
    }

    /// <summary>
    /// Ends construction: <see cref="Add(ParametricOperation)"/> throws from now on, and the fused plan is built here, so an
    /// instance cached and shared between threads and callers (<see cref="Diffusion.DenoiserAnsatz.Circuit"/>) stays what it is.
    /// </summary>
    public ParametricCircuit Seal()
    {
        _ = Plan;
        _sealed = true;
        return this;
    }

    /// <summary>Convenience for <see cref="Add(ParametricOperation)"/> of a fixed gate.</summary>
    public ParametricCircuit Fixed(GateKind kind, double[] parameters, params int[] qubits)
    {
        Add(ParametricOperation.Fixed(kind, parameters, qubits));
        return this;
    }

    /// <summary>Convenience for <see cref="Add(ParametricOperation)"/> of a gate whose first angle is scale*theta[index]+offset.</summary>
    public ParametricCircuit Rotation(GateKind kind, int parameterIndex, int[] qubits, double scale = 1, double offset = 0)
    {
        Add(ParametricOperation.Rotation(kind, parameterIndex, qubits, scale, offset));
        return this;
    }

    /// <summary>The ordinary circuit for one parameter vector.</summary>
    public Circuit Bind(ReadOnlySpan<double> theta)
    {
        CheckTheta(theta);
        var circuit = new Circuit(QubitCount);
        foreach (var op in _operations)
        {
            var p = new double[GateInfo.ParameterCount(op.Kind)];
            op.BindParameters(theta, p);
            circuit.Add(new Operation(op.Kind, (int[])op.Qubits.Clone(), p));
        }
        return circuit;
    }

    /// <summary>
    /// Applies the circuit to <paramref name="state"/> as it is (call <see cref="StateVector.Reset"/> first to start
    /// from |0…0>). Allocates nothing for the gates the simulator has specialised kernels for.
    /// </summary>
    public void Run(StateVector state, ReadOnlySpan<double> theta)
    {
        ArgumentNullException.ThrowIfNull(state);
        CheckTheta(theta);
        CheckState(state);
        RunShifted(state, theta, -1, 0);
    }

    /// <summary>Runs the circuit with the first angle of operation <paramref name="shiftedOperation"/> moved by <paramref name="delta"/>.</summary>
    internal void RunShifted(StateVector state, ReadOnlySpan<double> theta, int shiftedOperation, double delta)
    {
        var table = t_table;
        if (table is null || table.QubitCount != QubitCount) t_table = table = new PhaseTable(QubitCount);
        Plan.Run(_operations, state, theta, shiftedOperation, delta, table);
    }

    /// <summary>The circuit cut into fused segments (built on first use; a circuit is not changed while it runs).</summary>
    internal CircuitPlan Plan => _plan ??= CircuitPlan.Build(_operations);

    internal void CheckTheta(ReadOnlySpan<double> theta)
    {
        if (theta.Length != ParameterCount)
            throw new ArgumentException($"theta has {theta.Length} entries, the circuit {ParameterCount} parameters");
    }

    internal void CheckState(StateVector state)
    {
        if (state.QubitCount != QubitCount)
            throw new ArgumentException($"a {QubitCount}-qubit circuit cannot run on a {state.QubitCount}-qubit state");
    }
}
