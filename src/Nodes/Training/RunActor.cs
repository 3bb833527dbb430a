using Akka.Actor;
using Akka.Event;
using Akka.Persistence;
using QD3PM.Core.Training;
using QD3PM.Nodes.Telemetry;
using QD3PM.Protocol.Cluster;
using static QD3PM.Nodes.Training.CoordinatorProtocol;

namespace QD3PM.Nodes.Training;

/// <summary>
/// One training run as a persistent actor (persistence id "run-{id}"). Finished optimizer steps are journaled as
/// <see cref="StepsCompleted"/> events: the steps that finish within the journal batch window of the last write go in
/// one event holding every step's loss and the complete trainer state after the last, so recovery needs only the
/// newest event or snapshot; a snapshot is taken every K steps and older events and snapshots are deleted. The run
/// splits each step into items (sample x parameter block), gives them to its parent coordinator to hand out, and
/// aggregates the results in the fixed order of the determinism contract. Before each step it checks the run's QPU budget
/// (<see cref="QpuRunBudget"/>): a spent budget, or one the step is forecast to overrun, stops the run in the resumable
/// budget-exhausted state.
/// </summary>
public sealed class RunActor : ReceivePersistentActor, IWithTimers
{
    private readonly string _runId;
    private readonly string _specJson;
    private readonly long _submittedUnixMs;
    private readonly ProblemCache _problems;
    private readonly CoordinatorSettings _settings;
    private readonly ILoggingAdapter _log = Context.GetLogger();

    private IGradientProblem? _problem;
    private IReadOnlyList<ParameterRange> _blocks = [];
    private TrainerState? _state; // the state the next step starts from (may be ahead of the journal by one step)
    private StepCompleted? _journaled; // the newest step known to be in the journal: all that status ever reports
    private RunState _runState = RunState.Running;
    private string _error = "";
    private long _circuitEvaluations;
    private readonly Dictionary<string, long> _itemsByKind = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _stepItemsByKind = new(StringComparer.Ordinal);
    private RunBudget _budget;
    private long _qpuShots; // QPU totals of _state's steps
    private double _qpuCost;
    private long _stepQpuShots; // QPU spending of the current step's accepted items
    private double _stepQpuCost;
    private long _lastStepQpuShots; // the QPU shots of the last step this incarnation completed (a budget forecast's fallback)
    private StepAggregator? _current;
    private StepInputs? _currentInputs; // what workers fetch for the current step (built once per step)
    private bool _recovered;
    private readonly RunHistory _history = new(); // the journaled steps' losses for clients (GetRunSteps)
    private readonly List<StepCompleted> _unwritten = []; // computed steps not yet handed to the journal, in order
    private long _lastWriteStarted; // Stopwatch timestamp of the newest step write (0: none in this incarnation)

    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>Timer message: write the steps held back by the journal batch window.</summary>
    private sealed class WriteHeldSteps
    {
        public static readonly WriteHeldSteps Instance = new();
    }

    public RunActor(string runId, string specJson, long submittedUnixMs, ProblemCache problems, CoordinatorSettings settings, RunBudget? budget = null)
    {
        _budget = budget?.Clone() ?? new RunBudget();
        _runId = runId;
        _specJson = specJson;
        _submittedUnixMs = submittedUnixMs;
        _problems = problems;
        _settings = settings;
        BuildProblem();

        Recover<SnapshotOffer>(offer =>
        {
            if (offer.Snapshot is RunSnapshot snapshot)
            {
                _history.Restore(snapshot);
                ApplyJournaledStep(snapshot.Last);
                _runState = snapshot.State;
                _error = snapshot.Error;
                if (snapshot.Budget is not null)
                    _budget = snapshot.Budget;
            }
        });
        Recover<StepCompleted>(ApplyJournaledStep); // journals of builds that wrote one event per step
        Recover<StepsCompleted>(batch =>
        {
            ApplyStep(batch.Last);
            if (_problem is not null)
            {
                _journaled = batch.Last;
                _history.Add(batch);
            }
        });
        Recover<RunStateChanged>(ApplyStateChange);
        Recover<RunBudgetChanged>(e => _budget = e.Budget ?? new RunBudget());
        Recover<RecoveryCompleted>(_ => OnRecovered());

        Command<ItemDone>(OnItemDone);
        Command<FetchStepInputs>(OnFetchStepInputs);
        Command<WriteHeldSteps>(_ => WriteSteps());
        Command<ItemGaveUp>(gaveUp => Fail($"work item {ItemKey.From(gaveUp.Id)} failed: {gaveUp.Reason}"));
        Command<GetRun>(get => Sender.Tell(Status(get.IncludeParameters)));
        Command<GetRunSteps>(get => Sender.Tell(_history.Query(get, _runId, _problem?.Spec.Steps ?? 0)));
        Command<ControlRun>(OnControl);
        Command<SaveSnapshotSuccess>(success =>
        {
            // The snapshot holds everything: drop the events and snapshots it supersedes.
            DeleteMessages(success.Metadata.SequenceNr);
            DeleteSnapshots(new SnapshotSelectionCriteria(success.Metadata.SequenceNr - 1));
        });
        Command<SaveSnapshotFailure>(failure => _log.Warning("run {0}: snapshot failed: {1}", _runId, failure.Cause.Message));
        Command<DeleteMessagesSuccess>(_ => { });
        Command<DeleteMessagesFailure>(failure => _log.Warning("run {0}: pruning events failed: {1}", _runId, failure.Cause.Message));
        Command<DeleteSnapshotsSuccess>(_ => { });
        Command<DeleteSnapshotsFailure>(failure => _log.Warning("run {0}: pruning snapshots failed: {1}", _runId, failure.Cause.Message));
    }

    public override string PersistenceId => PersistenceIdFor(_runId);

    public static string PersistenceIdFor(string runId) => "run-" + runId;

    public static Props Props(string runId, string specJson, long submittedUnixMs, ProblemCache problems, CoordinatorSettings settings,
        RunBudget? budget = null) =>
        Akka.Actor.Props.Create(() => new RunActor(runId, specJson, submittedUnixMs, problems, settings, budget));

    private TrainingSpec Spec => _problem!.Spec;

    private void BuildProblem()
    {
        try
        {
            _problem = _problems.Get(_specJson);
            _blocks = Spec.Gradient == GradientMethod.Shift && !UnitLayout.IsPacked(_problem)
                ? ParameterRange.Split(_problem.ParameterCount, Math.Max(1, (_problem.ParameterCount + _settings.ShiftBlockSize - 1) / _settings.ShiftBlockSize))
                : [ParameterRange.All(_problem.ParameterCount)];
            _state = _problem.InitialState();
        }
        catch (InvalidSpecException ex)
        {
            // Specs are checked where they enter (CLI, management service); this is a journal written by another build.
            _problem = null;
            _runState = RunState.Failed;
            _error = ex.Message;
        }
    }

    private void ApplyStep(StepCompleted e)
    {
        if (_problem is null)
            return;
        _state = new TrainerState(e.Step, e.Parameters.ToArray(), e.FirstMoment.ToArray(), e.SecondMoment.ToArray(), e.Loss);
        _circuitEvaluations = e.CircuitEvaluations;
        _qpuShots = e.QpuShots;
        _qpuCost = e.QpuCost;
        _itemsByKind.Clear();
        foreach (var (kind, count) in e.ItemsByKind)
            _itemsByKind[kind] = count;
    }

    private void ApplyJournaledStep(StepCompleted e)
    {
        ApplyStep(e);
        if (_problem is not null)
            RecordJournaled(e);
    }

    /// <summary>A step now in the journal: what status reports and the history clients read.</summary>
    private void RecordJournaled(StepCompleted e)
    {
        _journaled = e;
        _history.Add(e);
    }

    private void ApplyStateChange(RunStateChanged e)
    {
        _runState = e.State;
        _error = e.Reason;
    }

    private void OnRecovered()
    {
        _recovered = true;
        if (_problem is not null && _runState == RunState.Running && _state!.Step >= Spec.Steps)
            _runState = RunState.Completed;
        Publish();
        StartStepIfRunning();
    }

    private void StartStepIfRunning()
    {
        if (_problem is null || _runState != RunState.Running || _state!.Step >= Spec.Steps)
        {
            _current = null;
            return;
        }
        var step = _state.Step;
        _stepItemsByKind.Clear();
        _stepQpuShots = 0;
        _stepQpuCost = 0;
        if (BudgetRefusal(_budget) is { } spent)
        {
            StopForBudget(spent);
            return;
        }
        // the run's --backend-policy, or sim-only on steps its --qpu-schedule keeps off the QPU
        var backendPolicy = SpecNames.Of(QpuSchedule.PolicyFor(Spec, step));
        if (UnitLayout.PackedItems(_problem, step) is { } packed)
        {
            EnqueuePacked(step, packed, backendPolicy);
            return;
        }
        _current = new StepAggregator(step, _problem.SamplesPerStep, _blocks);
        _currentInputs = null;
        var items = new List<WorkItem>(_current.Expected);
        for (int s = 0; s < _problem.SamplesPerStep; s++)
        {
            for (int b = 0; b < _blocks.Count; b++)
            {
                items.Add(new WorkItem
                {
                    Id = new WorkItemId { RunId = _runId, Step = step, Sample = s, Block = b },
                    BlockStart = _blocks[b].Start, BlockEnd = _blocks[b].End, Method = (int)Spec.Gradient,
                    BackendPolicy = backendPolicy, InputsByReference = true,
                });
            }
        }
        Context.Parent.Tell(new EnqueueStep(_runId, step, items, CurrentInputs()));
    }

    /// <summary>
    /// The budget is spent: no step starts (none is half-applied: the check runs between steps) until a resume raises
    /// it. Persisted, so a restarted run stays stopped; the totals that decided it are in the step events.
    /// </summary>
    private void StopForBudget(string reason)
    {
        _current = null;
        WriteSteps();
        Persist(new RunStateChanged { State = RunState.BudgetExhausted, Reason = reason }, e =>
        {
            _log.Info("run {0}: {1}", _runId, e.Reason);
            ApplyStateChange(e);
            Publish();
        });
    }

    /// <summary>Why <paramref name="budget"/> does not let the next step start (spent, or the step's forecast overruns it); null when it does.</summary>
    private string? BudgetRefusal(RunBudget budget) =>
        QpuRunBudget.Refusal(budget, _qpuShots, _qpuCost, QpuRunBudget.Forecast(_problem!, _state!.Step, _lastStepQpuShots, _qpuShots, _qpuCost));

    /// <summary>A hardware run's step as QPU-sized items (UnitLayout): item k covers units [start, end) and returns all parameters.</summary>
    private void EnqueuePacked(long step, IReadOnlyList<UnitRange> packed, string backendPolicy)
    {
        _current = new StepAggregator(step, packed.Count, _blocks);
        _currentInputs = null;
        var items = new List<WorkItem>(packed.Count);
        for (int k = 0; k < packed.Count; k++)
        {
            items.Add(new WorkItem
            {
                Id = new WorkItemId { RunId = _runId, Step = step, Sample = k, Block = 0 },
                BlockStart = 0, BlockEnd = _problem!.ParameterCount, Method = (int)Spec.Gradient,
                BackendPolicy = backendPolicy, UnitStart = packed[k].Start, UnitEnd = packed[k].End, InputsByReference = true,
            });
        }
        Context.Parent.Tell(new EnqueueStep(_runId, step, items, CurrentInputs()));
    }

    /// <summary>
    /// A worker node asks for the spec and parameters of a step's items (once per step per node). Only the step being
    /// computed has them; for any other the answer is "not available" and the worker drops its stale item.
    /// </summary>
    private void OnFetchStepInputs(FetchStepInputs fetch)
    {
        if (_current is null || _problem is null || fetch.Step != _current.Step || _state!.Step != _current.Step)
        {
            Sender.Tell(new StepInputs { RunId = _runId, Step = fetch.Step, Available = false });
            return;
        }
        // Shared between the replies of this step: nobody mutates a received message (workers copy what they use).
        Sender.Tell(CurrentInputs());
    }

    /// <summary>The spec and start parameters of the step being computed (built once per step).</summary>
    private StepInputs CurrentInputs()
    {
        if (_currentInputs is null || _currentInputs.Step != _current!.Step)
        {
            _currentInputs = new StepInputs { RunId = _runId, Step = _current!.Step, Available = true, SpecJson = _specJson };
            _currentInputs.Parameters.AddRange(_state!.Parameters);
        }
        return _currentInputs;
    }

    private void OnItemDone(ItemDone done)
    {
        foreach (var result in done.Results)
            OnResult(result);
    }

    /// <summary>One item's first result: added to the step; the last one completes the step.</summary>
    private void OnResult(WorkResult r)
    {
        if (_current is null || r.Id.Step != _current.Step || _problem is null)
            return; // late duplicate of an old step, or the run is not stepping
        try
        {
            var block = r.Id.Block >= 0 && r.Id.Block < _blocks.Count ? _blocks[r.Id.Block] : default;
            if (!_current.Add(r.Id.Sample, r.Id.Block, new SampleGradient(r.Id.Sample, block, r.Loss, r.Gradient.ToArray(), r.CircuitEvaluations)))
                return;
        }
        catch (ArgumentException ex)
        {
            Fail("inconsistent work result: " + ex.Message);
            return;
        }
        var kind = string.IsNullOrEmpty(r.Kind) ? "unknown" : r.Kind;
        _stepItemsByKind[kind] = _stepItemsByKind.GetValueOrDefault(kind) + 1;
        _stepQpuShots += r.QpuShots;
        _stepQpuCost += r.QpuCost;
        if (!_current.IsComplete)
            return;

        if (_stepQpuShots > 0)
            _lastStepQpuShots = _stepQpuShots;
        var next = StepRule.Apply(_problem, _state!, _current);
        var evaluations = _circuitEvaluations + _current.CircuitEvaluations;
        _current = null;
        var e = new StepCompleted
        {
            Step = next.Step, Loss = next.LastLoss, CircuitEvaluations = evaluations,
            CompletedUnixMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            QpuShots = _qpuShots + _stepQpuShots, QpuCost = _qpuCost + _stepQpuCost,
        };
        foreach (var k in _itemsByKind.Keys.Union(_stepItemsByKind.Keys).Order(StringComparer.Ordinal))
            e.ItemsByKind[k] = _itemsByKind.GetValueOrDefault(k) + _stepItemsByKind.GetValueOrDefault(k);
        e.Parameters.AddRange(next.Parameters);
        e.FirstMoment.AddRange(next.FirstMoment);
        e.SecondMoment.AddRange(next.SecondMoment);
        // The next step's items go out now and the step is written meanwhile, alone or with the steps that follow it
        // within the batch window (WriteSteps): the journal is off the dispatch path. A crash before the write
        // recomputes the unwritten steps from the previous event, which gives the same numbers (determinism
        // contract), so only time is lost. Status reports only journaled steps (a step a client has seen survives any
        // crash), and Completed once the last is written.
        ApplyStep(e);
        _unwritten.Add(e);
        var sinceLastWrite = _lastWriteStarted == 0 ? TimeSpan.MaxValue : System.Diagnostics.Stopwatch.GetElapsedTime(_lastWriteStarted);
        if (e.Step >= Spec.Steps || sinceLastWrite >= _settings.JournalBatchWindow)
            WriteSteps();
        else if (!Timers.IsTimerActive(nameof(WriteHeldSteps)))
            Timers.StartSingleTimer(nameof(WriteHeldSteps), WriteHeldSteps.Instance, _settings.JournalBatchWindow - sinceLastWrite);
        StartStepIfRunning();
    }

    /// <summary>
    /// Hands the computed steps not yet written to the journal as one <see cref="StepsCompleted"/> event. Called when
    /// the batch window has passed, for the run's last step, and before any other event is persisted, so the journal
    /// holds the run's events in the order they happened (a budget stop, pause or failure after the steps before it).
    /// </summary>
    private void WriteSteps()
    {
        Timers.Cancel(nameof(WriteHeldSteps));
        if (_unwritten.Count == 0)
            return;
        var steps = _unwritten.ToArray();
        _unwritten.Clear();
        var batch = new StepsCompleted { FirstStep = steps[0].Step, Last = steps[^1] };
        foreach (var step in steps)
            batch.Losses.Add(step.Loss);
        _lastWriteStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var writeStarted = _lastWriteStarted;
        PersistAsync(batch, persisted =>
        {
            NodeMetrics.JournalLatency.Record(System.Diagnostics.Stopwatch.GetElapsedTime(writeStarted).TotalSeconds);
            NodeMetrics.Steps.Add(steps.Length, new KeyValuePair<string, object?>("run", _runId));
            // every step's parameters are in memory here, so clients get them for any step of the batch
            foreach (var step in steps)
                RecordJournaled(step);
            var last = persisted.Last;
            if (last.Step >= Spec.Steps && _runState == RunState.Running)
                _runState = RunState.Completed;
            if (_settings.SnapshotEvery > 0 && last.Step / _settings.SnapshotEvery > (persisted.FirstStep - 1) / _settings.SnapshotEvery)
                SaveSnapshot(Snapshot(last));
            Publish();
        });
    }

    private void OnControl(ControlRun control)
    {
        // A run whose last step is computed (its event may still be being written) is finished: nothing to control.
        bool finished = _problem is not null && _state!.Step >= Spec.Steps;
        bool open = !finished && _runState is RunState.Running or RunState.Paused or RunState.BudgetExhausted;
        // A resume may carry a new budget (for a running or paused run too: it applies from the next step).
        var budgetChange = open && control.Action == RunAction.Resume && QpuRunBudget.Sets(control.Budget)
            ? new RunBudgetChanged { Budget = QpuRunBudget.Apply(_budget, control.Budget) }
            : null;
        var budget = budgetChange?.Budget ?? _budget;
        var target = finished ? null : control.Action switch
        {
            RunAction.Pause when _runState == RunState.Running => RunState.Paused,
            RunAction.Resume when _runState == RunState.Paused => RunState.Running,
            RunAction.Resume when _runState == RunState.BudgetExhausted && BudgetRefusal(budget) is null => RunState.Running,
            RunAction.Cancel when _runState is RunState.Running or RunState.Paused or RunState.BudgetExhausted => RunState.Cancelled,
            _ => (RunState?)null,
        };
        var replyTo = Sender;
        if (budgetChange is not null || target is not null)
            WriteSteps();
        if (budgetChange is not null)
        {
            Persist(budgetChange, e =>
            {
                _budget = e.Budget;
                if (target is not null)
                    return;
                if (_runState == RunState.BudgetExhausted && BudgetRefusal(_budget) is { } still && still != _error)
                {
                    // Still too small: the stop's reason says what is left under the new limits (status shows it).
                    Persist(new RunStateChanged { State = RunState.BudgetExhausted, Reason = still }, changed =>
                    {
                        ApplyStateChange(changed);
                        Publish();
                        replyTo.Tell(Status(false));
                    });
                    return;
                }
                Publish();
                replyTo.Tell(Status(false));
            });
        }
        if (target is null)
        {
            if (budgetChange is null)
                Sender.Tell(Status(false));
            return;
        }
        Persist(new RunStateChanged { State = target.Value, Reason = "" }, e =>
        {
            ApplyStateChange(e);
            if (e.State != RunState.Running)
            {
                _current = null;
                Context.Parent.Tell(new DropWork(_runId));
            }
            else
            {
                StartStepIfRunning();
            }
            Publish();
            replyTo.Tell(Status(false));
        });
    }

    private void Fail(string reason)
    {
        if (_runState is RunState.Failed or RunState.Completed or RunState.Cancelled)
            return;
        _current = null;
        Context.Parent.Tell(new DropWork(_runId));
        WriteSteps();
        Persist(new RunStateChanged { State = RunState.Failed, Reason = reason }, e =>
        {
            ApplyStateChange(e);
            Publish();
        });
    }

    private RunSnapshot Snapshot(StepCompleted last)
    {
        var snapshot = new RunSnapshot
        {
            SpecJson = _specJson, Last = last, State = _runState, Error = _error, SubmittedUnixMs = _submittedUnixMs, Budget = _budget.Clone(),
        };
        _history.WriteTo(snapshot);
        return snapshot;
    }

    private void Publish() => Context.Parent.Tell(new RunChanged(Status(false)));

    private RunStatus Status(bool includeParameters)
    {
        var status = new RunStatus
        {
            RunId = _runId,
            State = _recovered ? _runState : RunState.Recovering,
            Step = _journaled?.Step ?? 0,
            TotalSteps = _problem?.Spec.Steps ?? 0,
            Loss = _journaled?.Loss ?? double.NaN,
            SpecJson = _specJson,
            CircuitEvaluations = _journaled?.CircuitEvaluations ?? 0,
            Error = _error,
            SubmittedUnixMs = _submittedUnixMs,
            UpdatedUnixMs = _journaled?.CompletedUnixMs ?? 0,
            ItemsOutstanding = _current?.Missing ?? 0,
            QpuShots = _journaled?.QpuShots ?? 0,
            QpuCost = _journaled?.QpuCost ?? 0,
            Budget = _budget.Clone(),
        };
        if (_journaled is not null)
        {
            foreach (var (kind, count) in _journaled.ItemsByKind)
                status.ItemsByKind[kind] = count;
        }
        if (includeParameters && (_journaled?.Parameters ?? (IEnumerable<double>?)_state?.Parameters) is { } parameters)
            status.Parameters.AddRange(parameters);
        return status;
    }

    // A failed journal write or recovery stops a persistent actor (Akka's rule: its state may no longer match the
    // journal; Akka stops it after these callbacks, whose base versions only log the whole stack trace). The run tells
    // its coordinator why first: the coordinator shows the run as waiting-for-journal with this error and starts it
    // again with back-off, and the new incarnation continues from the last journaled step.
    protected override void OnRecoveryFailure(Exception reason, object? message = null)
    {
        _log.Warning("run {0}: recovery from the journal failed: {1}", _runId, JournalError.Describe(reason));
        Context.Parent.Tell(new RunJournalFailed(_runId, "recovery from the journal failed: " + JournalError.Describe(reason), JournalError.IsDatabaseUnreachable(reason)));
    }

    protected override void OnPersistFailure(Exception cause, object @event, long sequenceNr)
    {
        _log.Warning("run {0}: writing event {1} to the journal failed: {2}", _runId, sequenceNr, JournalError.Describe(cause));
        var what = @event switch
        {
            StepsCompleted { FirstStep: var first, Last.Step: var last } when first == last => $"writing step {last}",
            StepsCompleted batch => $"writing steps {batch.FirstStep}-{batch.Last.Step}",
            _ => "writing a state change",
        };
        Context.Parent.Tell(new RunJournalFailed(_runId, $"{what} to the journal failed: " + JournalError.Describe(cause), JournalError.IsDatabaseUnreachable(cause)));
    }
}
