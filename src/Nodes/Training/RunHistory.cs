using Google.Protobuf.Collections;
using QD3PM.Protocol.Cluster;

namespace QD3PM.Nodes.Training;

/// <summary>
/// The step history a run keeps for its clients, so a client's metrics.csv gets one row per step although the run
/// itself needs only its newest state: the loss of the newest <see cref="MaxLosses"/> journaled steps, and the
/// parameters of the newest journaled steps (at most about a million doubles). Only journaled steps enter (what a
/// client sees survives any crash). The losses survive a coordinator restart inside <see cref="RunSnapshot"/>
/// (the events a snapshot supersedes are deleted); the events replayed after it add theirs. Parameters are not
/// snapshotted, and a batch of steps written as one event (<see cref="StepsCompleted"/>) holds only its last step's:
/// after a restart only the snapshot's step and the last step of each replayed event hold them.
/// </summary>
public sealed class RunHistory
{
    public const int MaxLosses = 20_000;
    public const int MaxPointsPerReply = 5_000;
    private const int MaxParameterDoubles = 1 << 20;

    private readonly List<double> _losses = [];
    private long _firstStep; // step of _losses[0]
    private readonly Queue<(long Step, RepeatedField<double> Parameters)> _parameters = new();

    private long LastStep => _losses.Count == 0 ? 0 : _firstStep + _losses.Count - 1;

    /// <summary>A journaled step (recovered or just written), in step order; a step already held is ignored.</summary>
    public void Add(StepCompleted step) => Add(step.Step, step.Loss, step.Parameters);

    /// <summary>
    /// A recovered batch of steps: the loss of each, the parameters of its last only (the steps before it were written
    /// with their losses alone; a client that asks for their parameters gets none, as for a step trimmed away).
    /// </summary>
    public void Add(StepsCompleted batch)
    {
        for (int i = 0; i < batch.Losses.Count - 1; i++)
            Add(batch.FirstStep + i, batch.Losses[i], null);
        Add(batch.Last);
    }

    private void Add(long step, double loss, RepeatedField<double>? parameters)
    {
        if (_losses.Count > 0 && step <= LastStep)
        {
            // the snapshot's step after Restore: its loss is held, its parameters are not yet
            if (parameters is not null && step == LastStep && (_parameters.Count == 0 || _parameters.Last().Step != step))
                _parameters.Enqueue((step, parameters));
            return;
        }
        if (_losses.Count == 0 || step != LastStep + 1)
        {
            // first step, or a gap (a snapshot of an older build without history): the history starts here
            _losses.Clear();
            _firstStep = step;
        }
        _losses.Add(loss);
        if (_losses.Count > MaxLosses + MaxLosses / 8) // trim in batches: RemoveRange moves the list
        {
            int drop = _losses.Count - MaxLosses;
            _losses.RemoveRange(0, drop);
            _firstStep += drop;
        }
        if (parameters is null)
            return;
        _parameters.Enqueue((step, parameters));
        int keep = Math.Max(16, MaxParameterDoubles / Math.Max(1, parameters.Count));
        while (_parameters.Count > keep)
            _parameters.Dequeue();
    }

    /// <summary>The losses a snapshot carries (before its last step is applied).</summary>
    public void Restore(RunSnapshot snapshot)
    {
        _losses.Clear();
        _parameters.Clear();
        if (snapshot.LossHistory.Count == 0)
            return;
        _firstStep = snapshot.LossHistoryFirstStep;
        _losses.AddRange(snapshot.LossHistory);
    }

    /// <summary>Puts the held losses into a snapshot whose last step is the newest one added.</summary>
    public void WriteTo(RunSnapshot snapshot)
    {
        snapshot.LossHistoryFirstStep = _firstStep;
        snapshot.LossHistory.AddRange(_losses);
    }

    public RunSteps Query(GetRunSteps query, string runId, long totalSteps)
    {
        var reply = new RunSteps { RunId = runId, Known = true, FirstHeldStep = _losses.Count == 0 ? 0 : _firstStep, LastStep = LastStep };
        if (_losses.Count == 0)
            return reply;
        int max = query.MaxSteps is > 0 and < MaxPointsPerReply ? query.MaxSteps : MaxPointsPerReply;
        long from = Math.Max(query.AfterStep + 1, _firstStep);
        long to = Math.Min(LastStep, from + max - 1);
        Dictionary<long, RepeatedField<double>>? held = null;
        for (long step = from; step <= to; step++)
        {
            var point = new StepPoint { Step = step, Loss = _losses[(int)(step - _firstStep)] };
            if ((query.ParametersEvery > 0 && step % query.ParametersEvery == 0) || step == totalSteps)
            {
                held ??= _parameters.Where(p => p.Step >= from && p.Step <= to).ToDictionary(p => p.Step, p => p.Parameters);
                if (held.TryGetValue(step, out var parameters))
                    point.Parameters.AddRange(parameters);
            }
            reply.Points.Add(point);
        }
        return reply;
    }
}
