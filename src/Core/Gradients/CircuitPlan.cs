using QD3PM.Core.Circuits;
using QD3PM.Core.Simulation;

namespace QD3PM.Core.Gradients;

/// <summary>
/// A <see cref="ParametricCircuit"/> cut into segments that each cost about one pass over the state:
/// <list type="bullet">
/// <item><b>Local</b>: a run of single-qubit gates, grouped per qubit (gates on different qubits commute); each group
/// is one fused 2x2 matrix forward and one <see cref="BlockAdjointStep"/> backward (a layer's RX-RY-RX: 1 pass, not 3).</item>
/// <item><b>Diagonal</b>: a run of at least <see cref="MinTableGates"/> diagonal gates (an all-to-all ZZ layer): one
/// <see cref="PhaseTable"/> and one pass, instead of one pass per gate.</item>
/// <item><b>Single</b>: any other gate, applied as it is.</item>
/// </list>
/// Identity gates and barriers are dropped. Built once per circuit (lazily) and read-only afterwards.
/// </summary>
internal sealed class CircuitPlan
{
    /// <summary>Shorter diagonal runs are cheaper gate by gate than through a table (≈ 3 passes to build).</summary>
    public const int MinTableGates = 4;

    public enum SegmentKind { Local, Diagonal, Single }

    /// <summary>Operations [Start, End) of the circuit; for Local, the operation indices per qubit in circuit order.</summary>
    public sealed record Segment(SegmentKind Kind, int Start, int End, int[][] Groups, bool HasParameters);

    private CircuitPlan(List<Segment> segments) => Segments = segments;

    public IReadOnlyList<Segment> Segments { get; }

    public static CircuitPlan Build(IReadOnlyList<ParametricOperation> ops)
    {
        var segments = new List<Segment>();
        int k = 0;
        while (k < ops.Count)
        {
            if (IsTransparent(ops[k].Kind)) { k++; continue; }
            int end = DiagonalRunEnd(ops, k, out int gates);
            if (gates >= MinTableGates)
            {
                segments.Add(new Segment(SegmentKind.Diagonal, k, end, [], AnyParametric(ops, k, end)));
                k = end;
                continue;
            }
            if (ops[k].Qubits.Length == 1)
            {
                end = k;
                // A short diagonal run of two-qubit gates ends the local run; one-qubit diagonal gates join it.
                while (end < ops.Count && (ops[end].Qubits.Length == 1 || IsTransparent(ops[end].Kind))) end++;
                segments.Add(new Segment(SegmentKind.Local, k, end, Group(ops, k, end), AnyParametric(ops, k, end)));
                k = end;
                continue;
            }
            segments.Add(new Segment(SegmentKind.Single, k, k + 1, [], ops[k].IsParametric));
            k++;
        }
        return new CircuitPlan(segments);
    }

    /// <summary>Runs the circuit on <paramref name="state"/>, with the first angle of one operation moved by delta.</summary>
    public void Run(IReadOnlyList<ParametricOperation> ops, StateVector state, ReadOnlySpan<double> theta, int shiftedOperation, double delta,
        PhaseTable? table)
    {
        Span<double> p = stackalloc double[ParametricCircuit.MaxGateParameters];
        foreach (var segment in Segments)
        {
            switch (segment.Kind)
            {
                case SegmentKind.Local:
                    foreach (var group in segment.Groups)
                    {
                        if (group.Length == 1)
                        {
                            ApplyOne(ops[group[0]], state, theta, group[0] == shiftedOperation ? delta : 0, p);
                            continue;
                        }
                        state.ApplyMatrix(ops[group[0]].Qubits[0], LocalBlock.Fuse(ops, group, theta, shiftedOperation, delta));
                    }
                    break;
                case SegmentKind.Diagonal:
                    table ??= new PhaseTable(state.QubitCount);
                    DiagonalRun.Fill(table, ops, segment.Start, segment.End, theta, shiftedOperation, delta);
                    state.ApplyPhaseTable(table, conjugate: false);
                    break;
                default:
                    ApplyOne(ops[segment.Start], state, theta, segment.Start == shiftedOperation ? delta : 0, p);
                    break;
            }
        }
    }

    private static void ApplyOne(ParametricOperation op, StateVector state, ReadOnlySpan<double> theta, double delta, Span<double> scratch)
    {
        var parameters = scratch[..GateInfo.ParameterCount(op.Kind)];
        op.BindParameters(theta, parameters);
        if (delta != 0) parameters[0] += delta;
        GateApplier.Apply(state, op.Kind, op.Qubits, parameters, inverse: false);
    }

    /// <summary>Identity and barrier change nothing and split nothing.</summary>
    public static bool IsTransparent(GateKind kind) => kind is GateKind.Id or GateKind.Barrier;

    /// <summary>End of the run of diagonal gates starting at <paramref name="start"/>, and how many gates it has.</summary>
    private static int DiagonalRunEnd(IReadOnlyList<ParametricOperation> ops, int start, out int gates)
    {
        gates = 0;
        int end = start;
        while (end < ops.Count && DiagonalRun.IsDiagonal(ops[end].Kind))
        {
            if (!IsTransparent(ops[end].Kind)) gates++;
            end++;
        }
        return end;
    }

    private static bool AnyParametric(IReadOnlyList<ParametricOperation> ops, int start, int end)
    {
        for (int k = start; k < end; k++)
            if (ops[k].IsParametric) return true;
        return false;
    }

    private static int[][] Group(IReadOnlyList<ParametricOperation> ops, int start, int end)
    {
        var byQubit = new Dictionary<int, List<int>>();
        var order = new List<int>();
        for (int k = start; k < end; k++)
        {
            if (IsTransparent(ops[k].Kind)) continue;
            int q = ops[k].Qubits[0];
            if (!byQubit.TryGetValue(q, out var list))
            {
                byQubit[q] = list = [];
                order.Add(q);
            }
            list.Add(k);
        }
        return order.Select(q => byQubit[q].ToArray()).ToArray();
    }
}
