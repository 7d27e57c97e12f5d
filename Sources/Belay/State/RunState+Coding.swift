import BelayModel

// Every stored field of a run's state, in declaration order, for the fold cache (`StateCoder`).
// A field added to one of these types and not here fails `FoldCacheTests`, which sets them all.

extension RunState: StateCodable {
    static var blank: RunState { RunState() }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&runID)
        coder.code(&playbook)
        coder.code(&workspace)
        coder.code(&onFailure)
        coder.code(&vars)
        coder.code(&source)
        coder.code(&environment)
        coder.code(&startedBy)
        coder.code(&shownVars)
        coder.code(&status)
        coder.code(&startedTime)
        coder.code(&updatedTime)
        coder.code(&phases)
        coder.code(&startedSteps)
        coder.code(&points)
        coder.code(&pointOrder)
        coder.code(&failure)
        coder.code(&stuckAt)
        coder.code(&restored)
        coder.code(&restoredTo)
        coder.code(&lastCommit)
        coder.code(&rollbackTarget)
        coder.code(&rolledBackTo)
        coder.code(&unwindPending)
        coder.code(&actionsSinceLastCommit)
        coder.code(&pauseNote)
        coder.code(&ignoredLines)
        coder.code(&lastSeq)
        coder.code(&gates)
        coder.code(&approvals)
        coder.code(&warnings)
        coder.code(&lockReleases)
        coder.code(&waitingApproval)
        coder.code(&openProcesses)
        coder.code(&captures)
        // `index` is not kept: it only speeds up lookups, and they rebuild it as they go.
    }
}

extension FailurePolicy: StateCodableCase {}
extension RunState.Status: StateCodableCase {}
extension RunState.PhaseStatus: StateCodableCase {}
extension RunState.StepStatus: StateCodableCase {}
extension RunState.Compensation: StateCodableCase {}

extension StepContext.Action: StateCodable {
    static var blank: StepContext.Action { .run }

    mutating func code(_ coder: inout StateCoder) {
        var word = rawValue
        coder.text(&word)
        guard coder.isReading else { return }
        guard let action = StepContext.Action(rawValue: word) else { return coder.fail() }
        self = action
    }
}

extension RunState.StepKey: StateCodable {
    static var blank: RunState.StepKey { RunState.StepKey(phase: "", step: "") }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&phase)
        coder.code(&step)
    }
}

extension RunState.StepState: StateCodable {
    static var blank: RunState.StepState { RunState.StepState(id: "") }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&id)
        coder.code(&status)
        coder.code(&attempts)
        coder.code(&durationMs)
        coder.code(&outputs)
        coder.code(&value)
        coder.code(&error)
        coder.code(&log)
        coder.code(&warning)
        coder.code(&outcomeUnknown)
        coder.code(&compensation)
        coder.code(&compensationAttempts)
        coder.code(&compensationError)
        coder.code(&compensationLog)
        coder.code(&compensationDurationMs)
        coder.code(&resolvedNote)
        coder.code(&resolvedBy)
        coder.code(&hasStarted)
    }
}

extension RunState.PhaseState: StateCodable {
    static var blank: RunState.PhaseState { RunState.PhaseState(id: "") }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&id)
        coder.code(&name)
        coder.code(&parallel)
        coder.code(&status)
        coder.code(&checkpoint)
        coder.code(&skipNote)
        coder.code(&steps)
    }
}

extension RunState.Failure: StateCodable {
    static var blank: RunState.Failure { RunState.Failure(site: .journal, error: "") }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&site)
        coder.code(&error)
        coder.code(&log)
    }
}

extension RunState.Failure.Site: StateCodable {
    static var blank: RunState.Failure.Site { .journal }

    mutating func code(_ coder: inout StateCoder) {
        var kind = 0
        var name = RunState.StepKey.blank
        switch self {
        case .step(let key): (kind, name) = (0, key)
        case .checkpoint(let point): (kind, name.phase) = (1, point)
        case .journal: kind = 2
        }
        coder.choice(&kind)
        if kind == 0 { coder.code(&name) }
        if kind == 1 { coder.code(&name.phase) }
        guard coder.isReading else { return }
        switch kind {
        case 0: self = .step(name)
        case 1: self = .checkpoint(point: name.phase)
        case 2: self = .journal
        default: coder.fail()
        }
    }
}

extension RunState.LockRelease: StateCodable {
    static var blank: RunState.LockRelease { RunState.LockRelease(lock: "", by: "", time: "", note: "") }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&lock)
        coder.code(&by)
        coder.code(&time)
        coder.code(&note)
    }
}

extension RunState.GateRecord: StateCodable {
    static var blank: RunState.GateRecord { RunState.GateRecord(decision: "", criteria: [:], time: "") }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&decision)
        coder.code(&criteria)
        coder.code(&summary)
        coder.code(&report)
        coder.code(&time)
    }
}

extension RunState.ApprovalRecord: StateCodable {
    static var blank: RunState.ApprovalRecord { RunState.ApprovalRecord(message: "", requestedTime: "") }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&message)
        coder.code(&requestedTime)
        coder.code(&deadline)
        coder.code(&decision)
        coder.code(&by)
        coder.code(&comment)
        coder.code(&decidedTime)
        coder.code(&note)
        coder.code(&settled)
    }
}

extension RunState.OpenProcess: StateCodable {
    static var blank: RunState.OpenProcess {
        RunState.OpenProcess(
            step: .blank, action: .run, attempt: 0, identity: .blank, startedTime: "", log: nil, machine: nil)
    }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&step)
        coder.code(&action)
        coder.code(&attempt)
        coder.code(&identity)
        coder.code(&startedTime)
        coder.code(&log)
        coder.code(&machine)
    }
}

extension ProcessGroupIdentity: StateCodable {
    static var blank: ProcessGroupIdentity { ProcessGroupIdentity(group: 0, startTime: nil) }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&group)
        coder.code(&startTime)
    }
}

extension CaptureRecord: StateCodable {
    static var blank: CaptureRecord { CaptureRecord() }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&failures)
        coder.code(&lastVerification)
        coder.code(&drifted)
    }
}

extension CaptureRecord.Verification: StateCodable {
    static var blank: CaptureRecord.Verification { CaptureRecord.Verification(point: "", results: [:]) }

    mutating func code(_ coder: inout StateCoder) {
        coder.code(&point)
        coder.code(&results)
        coder.code(&diff)
        coder.code(&strictFailure)
    }
}
