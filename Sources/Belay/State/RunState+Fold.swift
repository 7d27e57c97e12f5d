import Foundation

/// How each journal event moves a run's state: the fold that `status`, `resume` and `rollback`
/// all read from.
extension RunState {
    /// The state after every event, in order.
    public static func fold(_ events: [JournalEvent], ignoredLines: Int = 0) -> RunState {
        var state = RunState()
        state.ignoredLines = ignoredLines
        // By index: each event is borrowed in place, never copied (a copy retains every string in it).
        for index in events.indices { state.apply(events[index]) }
        return state
    }

    public mutating func apply(_ event: JournalEvent) {
        lastSeq = max(lastSeq, event.seq)
        // A warning is about the run, not part of it: it neither moves the status nor its span.
        if event.event == .warning {
            warnings.append(event.note ?? "")
            return
        }
        if event.event == .lockReleased {
            lockReleases.append(LockRelease(lock: event.lock ?? "", by: event.by ?? "", time: event.time, note: event.note ?? ""))
            return
        }
        if !event.time.isEmpty {
            if startedTime == nil { startedTime = event.time }
            updatedTime = event.time
        }
        switch event.event {
        case .runStarted:
            runID = event.run ?? runID
            playbook = event.playbook ?? playbook
            workspace = event.workspace ?? workspace
            onFailure = event.onFailure ?? onFailure
            vars = event.vars ?? vars
            source = event.source ?? source
            environment = event.environment ?? environment
            startedBy = event.by ?? startedBy
            shownVars = event.shown ?? shownVars
            status = .running
            for planned in event.plan ?? [] {
                var phase = PhaseState(id: planned.id, name: planned.name, parallel: planned.parallel ?? false)
                phase.steps = planned.steps.map { StepState(id: $0) }
                phases.append(phase)
            }
        case .runResumed:
            status = .running
            pauseNote = nil
        case .lockTakenOver:
            break
        case .checkpointRecorded:
            lastCommit = event.commit ?? lastCommit
            if event.commit != nil { actionsSinceLastCommit = [] }
            if let point = event.point, let commit = event.commit {
                if points[point] == nil { pointOrder.append(point) }
                points[point] = commit
                if point != "start", StepPoint(point) == nil { updatePhase(point) { $0.checkpoint = commit } }
            }
        case .phaseStarted:
            updatePhase(event.phase) { $0.status = .running }
        case .phaseCompleted:
            updatePhase(event.phase) { $0.status = .completed }
        case .phaseSkipped:
            updatePhase(event.phase) {
                $0.status = .skipped
                $0.skipNote = event.note
                for index in $0.steps.indices where $0.steps[index].status == .pending {
                    $0.steps[index].status = .skipped
                }
            }
        case .stepStarted:
            guard let key = key(event) else { break }
            actionsSinceLastCommit.append(key)
            var firstStart = false
            updateStep(key, event) { step, event in
                firstStart = !step.hasStarted
                step.hasStarted = true
                step.status = .running
                step.error = nil
                // `step_started` also opens the first attempt of `run`.
                if let attempt = event.attempt { step.attempts = max(step.attempts, attempt) }
                step.log = event.log ?? step.log
            }
            if firstStart { startedSteps.append(key) }
        case .attemptStarted:
            guard let key = key(event) else { break }
            updateStep(key, event) { step, event in
                if event.action == .compensate {
                    step.compensationAttempts = max(step.compensationAttempts, event.attempt ?? 1)
                    step.compensationLog = event.log ?? step.compensationLog
                } else if event.action != .cancel {
                    if event.action == .run { step.attempts = max(step.attempts, event.attempt ?? 1) }
                    step.log = event.log ?? step.log
                }
            }
        case .processStarted, .orphanFound, .orphanEnded, .orphanElsewhere:
            applyProcessEvent(event)
        case .attemptFinished:
            guard let key = key(event) else { break }
            closeProcess(of: key, action: event.action, attempt: event.attempt)
            updateStep(key, event) { step, event in
                if event.action != .compensate, let outputs = event.outputs {
                    step.outputs.merge(outputs) { _, new in new }
                }
            }
        case .stepSucceeded:
            guard let key = key(event) else { break }
            updateStep(key, event) { step, event in
                step.status = .succeeded
                step.durationMs = event.durationMs
                if let outputs = event.outputs { step.outputs = outputs }
                step.value = event.value ?? step.value
                step.error = nil
            }
            // Re-run after a pause and succeeded: the run is no longer failing there.
            if failure?.step == key { failure = nil }
        case .stepFailed, .stepWarning:
            guard let key = key(event) else { break }
            updateStep(key, event) { step, event in
                step.status = .failed
                step.durationMs = event.durationMs
                step.error = event.error
                step.log = event.log ?? step.log
                step.warning = event.event == .stepWarning
                step.outcomeUnknown = event.outcomeUnknown ?? false
                if let outputs = event.outputs { step.outputs = outputs }
            }
            if event.event == .stepFailed {
                updatePhase(event.phase) { $0.status = .failed }
                failure = Failure(step: key, error: event.error ?? "failed", log: event.log)
            }
        case .stepInterrupted:
            // The outcome stays unknown: the step (or its compensation) is still "started".
            break
        case .compensationStarted:
            status = .compensating
            unwindPending = true
            guard let key = key(event) else { break }
            actionsSinceLastCommit.append(key)
            updatePhase(event.phase) { $0.status = .compensating }
            updateStep(key, event) { step, _ in
                step.compensation = .started
                step.compensationError = nil
            }
        case .compensationSucceeded:
            guard let key = key(event) else { break }
            updateStep(key, event) { step, event in
                step.compensation = .succeeded
                step.status = .compensated
                step.compensationDurationMs = event.durationMs
            }
            settlePhase(event.phase)
        case .compensationFailed:
            guard let key = key(event) else { break }
            updateStep(key, event) { step, event in
                step.compensation = .failed
                step.status = .compensationFailed
                step.compensationError = event.error
                step.compensationLog = event.log ?? step.compensationLog
            }
            stuckAt = key
        case .compensationSkipped:
            guard let key = key(event) else { break }
            updateStep(key, event) { step, _ in step.compensation = .skipped }
            settlePhase(event.phase)
        case .stepResolved:
            guard let key = key(event) else { break }
            updateStep(key, event) { step, event in
                step.compensation = .resolved
                step.status = .compensated
                step.resolvedNote = event.note
                step.resolvedBy = event.by
            }
            if stuckAt == key { stuckAt = nil }
            settlePhase(event.phase)
        case .rollbackStarted:
            status = .compensating
            rollbackTarget = event.point ?? rollbackTarget
            unwindPending = true
        case .workspaceRestored:
            restored = true
            restoredTo = event.point ?? "start"
            lastCommit = event.commit ?? lastCommit
            if event.commit != nil { actionsSinceLastCommit = [] }
        case .runCompleted:
            status = .completed
        case .runCompensated:
            status = .compensated
            unwindPending = false
        case .runRolledBack:
            status = .rolledBack
            rolledBackTo = event.point ?? rollbackTarget
            rollbackTarget = nil
            unwindPending = false
        case .runStuck:
            status = .stuck
        case .runPaused:
            status = .paused
            pauseNote = event.note ?? event.error
        case .runFailed:
            status = .failed
        case .gateEvaluated, .approvalRequested, .approvalRecorded, .runWaiting:
            applyGateEvent(event)
        case .capturesRecorded, .capturesVerified, .capturesDrifted:
            applyCaptureEvent(event)
        case .warning, .lockReleased:
            break  // kept aside before the switch
        }
        settleApproval(after: event)
    }

    func key(_ event: JournalEvent) -> StepKey? {
        // Unwrapped after the checks rather than bound: binding an optional string here compiles
        // to a generic copy, a tenth of the fold's time on a long run.
        guard event.phase != nil, event.step != nil else { return nil }
        return StepKey(phase: event.phase.unsafelyUnwrapped, step: event.step.unsafelyUnwrapped)
    }

    private mutating func updatePhase(_ id: String?, _ change: (inout PhaseState) -> Void) {
        guard let id else { return }
        if let position = phasePosition(id) {
            change(&phases[position])
        } else {
            var phase = PhaseState(id: id)
            change(&phase)
            phases.append(phase)
            index.phases[id] = phases.count - 1
        }
    }

    /// Changes the step `key` (made if the plan did not name it). The change is handed the event
    /// rather than capturing it: a closure that captures an event copies every string in it.
    private mutating func updateStep(
        _ key: StepKey, _ event: JournalEvent, _ change: (inout StepState, JournalEvent) -> Void
    ) {
        guard let phase = phasePosition(key.phase) else {
            updatePhase(key.phase) { $0.steps.append(StepState(id: key.step)) }
            updateStep(key, event, change)
            return
        }
        // A step's events come one after another, and steps one after another (forward when run,
        // backward when compensated): the last step found and its neighbours are checked before any hashing.
        if let last = index.lastStep, last.phase == phase,
            let position = neighbour(of: last.position, in: phases[phase].steps, named: key.step)
        {
            index.lastStep = (phase, position)
            change(&phases[phase].steps[position], event)
        } else if let cached = index.steps[key], cached < phases[phase].steps.count, phases[phase].steps[cached].id == key.step {
            index.lastStep = (phase, cached)
            change(&phases[phase].steps[cached], event)
        } else if let position = phases[phase].steps.firstIndex(where: { $0.id == key.step }) {
            index.steps[key] = position
            index.lastStep = (phase, position)
            change(&phases[phase].steps[position], event)
        } else {
            var step = StepState(id: key.step)
            change(&step, event)
            phases[phase].steps.append(step)
            index.steps[key] = phases[phase].steps.count - 1
        }
    }

    /// The position of the step `id` among `position` and the steps just after and before it.
    private func neighbour(of position: Int, in steps: [StepState], named id: String) -> Int? {
        func named(_ candidate: Int) -> Bool { steps.indices.contains(candidate) && steps[candidate].id == id }
        if named(position) { return position }
        if named(position + 1) { return position + 1 }
        return named(position - 1) ? position - 1 : nil
    }

    /// The phase's position: from the index when it is still right, else found and remembered.
    private mutating func phasePosition(_ id: String) -> Int? {
        if let last = index.lastPhase, last < phases.count, phases[last].id == id { return last }
        if let cached = index.phases[id], cached < phases.count, phases[cached].id == id {
            index.lastPhase = cached
            return cached
        }
        guard let position = phases.firstIndex(where: { $0.id == id }) else { return nil }
        index.phases[id] = position
        index.lastPhase = position
        return position
    }

    /// A phase whose started steps are all compensated (or had nothing to undo) is compensated.
    private mutating func settlePhase(_ id: String?) {
        updatePhase(id) { phase in
            let started = phase.steps.filter { $0.status != .pending && $0.status != .skipped }
            let settled = started.allSatisfy {
                [.succeeded, .skipped, .resolved].contains($0.compensation)
            }
            if settled { phase.status = .compensated }
        }
    }
}

/// Positions of phases and steps, rebuilt as needed: a cache, so it never makes two states differ.
struct FoldIndex: Sendable, Hashable {
    var phases: [String: Int] = [:]
    var steps: [RunState.StepKey: Int] = [:]
    /// The phase and step found last: most events are about the same ones as the event before.
    var lastPhase: Int?
    var lastStep: (phase: Int, position: Int)?

    static func == (left: FoldIndex, right: FoldIndex) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
