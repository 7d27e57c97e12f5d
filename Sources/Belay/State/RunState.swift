import Foundation

/// A run's state: a pure fold of its journal events.
///
/// Nothing else is stored, so what `status` shows, what `resume` continues and what `rollback`
/// undoes all come from the same durable record. `apply` never fails: an event that does not fit
/// (a step the plan never named) is still recorded rather than dropped.
public struct RunState: Sendable, Hashable {
    /// The `status` field of the status contract (docs/operate.md).
    public enum Status: String, Sendable, Hashable, Codable {
        case running, paused, compensating, compensated, completed, failed, stuck
        case waitingApproval = "waiting_approval"
        case rolledBack = "rolled_back"
    }

    public enum PhaseStatus: String, Sendable, Hashable, Codable {
        case pending, running, completed, failed, skipped, compensating, compensated
    }

    public enum StepStatus: String, Sendable, Hashable, Codable {
        case pending, running, succeeded, failed, skipped, compensated
        case compensationFailed = "compensation_failed"
    }

    /// How far a step's compensation went.
    public enum Compensation: String, Sendable, Hashable, Codable {
        case notStarted = "not_started"
        case started, succeeded, failed
        /// The step has no compensation (irreversible): nothing to undo.
        case skipped
        /// An operator marked it done by hand (resolved).
        case resolved
    }

    /// A step by its phase and id.
    public struct StepKey: Sendable, Hashable, CustomStringConvertible {
        public var phase: String
        public var step: String
        public init(phase: String, step: String) {
            self.phase = phase
            self.step = step
        }
        public var description: String { "\(phase)/\(step)" }
    }

    public struct StepState: Sendable, Hashable {
        public var id: String
        public var status: StepStatus = .pending
        /// Tries of the forward action (`run`) so far.
        public var attempts: Int = 0
        /// From `step_started` to its outcome, once known.
        public var durationMs: Int64?
        public var outputs: [String: String] = [:]
        public var value: String?
        public var error: String?
        /// The log of the last action attempt (relative to the workspace).
        public var log: String?
        /// A non-critical failure: recorded, and the run went on.
        public var warning = false
        /// Failed because an interruption left its outcome unknown (no verify, not idempotent): it may
        /// have been applied, so it must not run again; `resume` compensates it instead.
        public var outcomeUnknown = false
        public var compensation: Compensation = .notStarted
        public var compensationAttempts = 0
        public var compensationError: String?
        public var compensationLog: String?
        public var compensationDurationMs: Int64?
        /// What the operator did by hand when resolving it, and who.
        public var resolvedNote: String?
        public var resolvedBy: String?
        /// Started and no outcome recorded (the process died in between).
        public var isInFlight: Bool { status == .running }
    }

    public struct PhaseState: Sendable, Hashable {
        public var id: String
        public var name: String?
        public var parallel = false
        public var status: PhaseStatus = .pending
        /// The commit of the rollback point recorded after the phase completed.
        public var checkpoint: String?
        /// Why the phase was skipped (a phase selection).
        public var skipNote: String?
        public var steps: [StepState] = []
        public var title: String { name ?? id }
    }

    /// The failure that ended forward progress.
    public struct Failure: Sendable, Hashable {
        /// Where it failed: a step, or the engine's own work around the steps.
        public enum Site: Sendable, Hashable, CustomStringConvertible {
            case step(StepKey)
            /// The rollback point named could not be recorded.
            case checkpoint(point: String)
            /// The journal could not be written.
            case journal

            /// As the journal's `failed_step` field writes it (`phase/step`, `<point>/checkpoint`).
            public var description: String {
                switch self {
                case .step(let key): key.description
                case .checkpoint(let point): "\(point)/checkpoint"
                case .journal: "journal"
                }
            }
        }

        public var site: Site
        public var error: String
        public var log: String?

        public init(site: Site, error: String, log: String? = nil) {
            self.site = site
            self.error = error
            self.log = log
        }

        public init(step: StepKey, error: String, log: String? = nil) {
            self.init(site: .step(step), error: error, log: log)
        }

        /// The step that failed, when a step did.
        public var step: StepKey? {
            if case .step(let key) = site { key } else { nil }
        }
    }

    public var runID: String?
    public var playbook: String?
    public var workspace: String?
    public var onFailure: FailurePolicy?
    /// The run's variables and playbook file, as `run_started` recorded them.
    public var vars: [String: String] = [:]
    public var source: String?
    /// The playbook environment the run's values were chosen for, if one was.
    public var environment: String?
    /// Who started the run (`run_started`'s `by`).
    public var startedBy: String?
    /// The vars the playbook marks to be shown in a history, in its order.
    public var shownVars: [String] = []
    public var status: Status = .running
    /// The time of the first event (UTC, ISO 8601, as journaled).
    public var startedTime: String?
    /// The time of the last event.
    public var updatedTime: String?
    public var startedAt: Date? { startedTime.flatMap(JournalClock.parse) }
    public var updatedAt: Date? { updatedTime.flatMap(JournalClock.parse) }
    public var phases: [PhaseState] = []
    /// Steps in the order they were started: the reverse of the compensation order.
    public var startedSteps: [StepKey] = []
    /// Rollback points by name (`start`, phase ids), each with its commit.
    public var points: [String: String] = [:]
    /// Point names in the order they were recorded.
    public var pointOrder: [String] = []
    public var failure: Failure?
    /// The compensation that failed and left the run stuck.
    public var stuckAt: StepKey?
    /// Whether the workspace was put back to a rollback point (after an unwind, or a rollback).
    public var restored = false
    /// The point the workspace was last restored to.
    public var restoredTo: String?
    /// The last commit Belay recorded on the run's history (any checkpoint, named point or not).
    public var lastCommit: String?
    /// The target of a rollback under way (started, not finished): `resume` carries it on.
    public var rollbackTarget: String?
    /// The point the last finished rollback restored.
    public var rolledBackTo: String?
    /// Compensations have begun (an unwind or a rollback) and the run has not settled since:
    /// a paused or crashed run in this state continues its unwind on `resume`.
    public var unwindPending = false
    /// Steps whose action or compensation started after the last commit Belay recorded: the files
    /// they touch may differ from that commit without anyone outside Belay having changed them.
    public var actionsSinceLastCommit: [StepKey] = []
    /// Why the run paused (a failure, a signal, a phase to stop after).
    public var pauseNote: String?
    /// Lines of the journal tolerated as torn by a crash (a torn last line).
    public var ignoredLines = 0
    public var lastSeq = 0
    /// What each gate step decided, and each approval step's request and answer (RunState+Gates.swift).
    public var gates: [StepKey: GateRecord] = [:]
    public var approvals: [StepKey: ApprovalRecord] = [:]
    /// The notes of `warning` events, in order (notifications that could not be delivered).
    public var warnings: [String] = []
    /// Each time someone freed the run's lock by hand, in order.
    public var lockReleases: [LockRelease] = []

    /// A `lock_released` event: who freed the run's lock, when, and why.
    public struct LockRelease: Sendable, Hashable {
        public var lock: String
        public var by: String
        public var time: String
        public var note: String
    }
    /// The approval step waiting for a decision, if any.
    public var waitingApproval: StepKey?
    /// Shell actions whose process was spawned and whose attempt has no recorded end: a crash may
    /// have left their process group running (RunState+Processes.swift).
    public var openProcesses: [OpenProcess] = []
    /// What the captures showed (RunState+Captures.swift).
    public var captures = CaptureRecord()

    /// Where each phase and step sits, so a fold of a long run does not search them event by event.
    private var index = FoldIndex()

    public init() {}

    /// The state after every event, in order.
    public static func fold(_ events: [JournalEvent], ignoredLines: Int = 0) -> RunState {
        var state = RunState()
        state.ignoredLines = ignoredLines
        // By index: each event is borrowed in place, never copied (a copy retains every string in it).
        for index in events.indices { state.apply(events[index]) }
        return state
    }

    /// Reads and folds a journal file.
    public static func load(journal url: URL) throws -> RunState {
        try JournalReader.fold(url)
    }

    public var isFinished: Bool {
        switch status {
        case .completed, .compensated, .failed, .rolledBack: true
        case .running, .paused, .compensating, .stuck, .waitingApproval: false
        }
    }

    public var durationMs: Int64? {
        guard let startedAt, let updatedAt else { return nil }
        return Int64((updatedAt.timeIntervalSince(startedAt) * 1000).rounded())
    }

    public func phase(_ id: String) -> PhaseState? { phases.first { $0.id == id } }

    public func step(_ key: StepKey) -> StepState? {
        phase(key.phase)?.steps.first { $0.id == key.step }
    }

    /// Started steps whose compensation is still owed, newest first: the unwind to perform.
    public var pendingCompensations: [StepKey] {
        startedSteps.reversed().filter { key in
            guard let step = step(key) else { return false }
            switch step.compensation {
            case .succeeded, .skipped, .resolved: return false
            case .notStarted, .started, .failed: return true
            }
        }
    }

    /// Phase ids after `target` in the run's plan (every phase for `start`): what a rollback to
    /// `target` undoes.
    public func phases(after target: String) -> [String] {
        guard target != "start" else { return phases.map(\.id) }
        // A step's point (`<phase>/<step>`) undoes part of its own phase too.
        if let point = StepPoint(target) { return [point.phase] + phases(after: point.phase) }
        guard let index = phases.firstIndex(where: { $0.id == target }) else { return [] }
        return phases[(index + 1)...].map(\.id)
    }

    /// The compensations a rollback to `target` runs, newest first: every started step of a later
    /// phase whose compensation is still owed. Skipped phases never started a step, and a step
    /// compensated by an earlier unwind or rollback is not owed any more.
    public func compensations(rollingBackTo target: String) -> [StepKey] {
        if let point = StepPoint(target) { return compensations(rollingBackTo: point) }
        let later = Set(phases(after: target))
        return pendingCompensations.filter { later.contains($0.phase) }
    }

    /// Started steps with no recorded outcome (a crash happened while they ran).
    public var inFlightSteps: [StepKey] { startedSteps.filter { step($0)?.isInFlight == true } }

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
            if index.started.count != startedSteps.count { index.started = Set(startedSteps) }
            if index.started.insert(key).inserted { startedSteps.append(key) }
            actionsSinceLastCommit.append(key)
            updateStep(key) {
                $0.status = .running
                $0.error = nil
                // `step_started` also opens the first attempt of `run`.
                if let attempt = event.attempt { $0.attempts = max($0.attempts, attempt) }
                $0.log = event.log ?? $0.log
            }
        case .attemptStarted:
            guard let key = key(event) else { break }
            updateStep(key) {
                if event.action == .compensate {
                    $0.compensationAttempts = max($0.compensationAttempts, event.attempt ?? 1)
                    $0.compensationLog = event.log ?? $0.compensationLog
                } else if event.action != .cancel {
                    if event.action == .run { $0.attempts = max($0.attempts, event.attempt ?? 1) }
                    $0.log = event.log ?? $0.log
                }
            }
        case .processStarted, .orphanFound, .orphanEnded, .orphanElsewhere:
            applyProcessEvent(event)
        case .attemptFinished:
            guard let key = key(event) else { break }
            closeProcess(of: key, action: event.action, attempt: event.attempt)
            updateStep(key) {
                if event.action != .compensate, let outputs = event.outputs {
                    $0.outputs.merge(outputs) { _, new in new }
                }
            }
        case .stepSucceeded:
            guard let key = key(event) else { break }
            updateStep(key) {
                $0.status = .succeeded
                $0.durationMs = event.durationMs
                if let outputs = event.outputs { $0.outputs = outputs }
                $0.value = event.value ?? $0.value
                $0.error = nil
            }
            // Re-run after a pause and succeeded: the run is no longer failing there.
            if failure?.step == key { failure = nil }
        case .stepFailed, .stepWarning:
            guard let key = key(event) else { break }
            updateStep(key) {
                $0.status = .failed
                $0.durationMs = event.durationMs
                $0.error = event.error
                $0.log = event.log ?? $0.log
                $0.warning = event.event == .stepWarning
                $0.outcomeUnknown = event.outcomeUnknown ?? false
                if let outputs = event.outputs { $0.outputs = outputs }
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
            updateStep(key) {
                $0.compensation = .started
                $0.compensationError = nil
            }
        case .compensationSucceeded:
            guard let key = key(event) else { break }
            updateStep(key) {
                $0.compensation = .succeeded
                $0.status = .compensated
                $0.compensationDurationMs = event.durationMs
            }
            settlePhase(event.phase)
        case .compensationFailed:
            guard let key = key(event) else { break }
            updateStep(key) {
                $0.compensation = .failed
                $0.status = .compensationFailed
                $0.compensationError = event.error
                $0.compensationLog = event.log ?? $0.compensationLog
            }
            stuckAt = key
        case .compensationSkipped:
            guard let key = key(event) else { break }
            updateStep(key) { $0.compensation = .skipped }
            settlePhase(event.phase)
        case .stepResolved:
            guard let key = key(event) else { break }
            updateStep(key) {
                $0.compensation = .resolved
                $0.status = .compensated
                $0.resolvedNote = event.note
                $0.resolvedBy = event.by
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
        guard let phase = event.phase, let step = event.step else { return nil }
        return StepKey(phase: phase, step: step)
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

    private mutating func updateStep(_ key: StepKey, _ change: (inout StepState) -> Void) {
        guard let phase = phasePosition(key.phase) else {
            updatePhase(key.phase) { $0.steps.append(StepState(id: key.step)) }
            updateStep(key, change)
            return
        }
        // A step's events come one after another: the last step found is checked before any hashing.
        if let last = index.lastStep, last.phase == phase, last.position < phases[phase].steps.count,
            phases[phase].steps[last.position].id == key.step
        {
            change(&phases[phase].steps[last.position])
        } else if let cached = index.steps[key], cached < phases[phase].steps.count, phases[phase].steps[cached].id == key.step {
            index.lastStep = (phase, cached)
            change(&phases[phase].steps[cached])
        } else if let position = phases[phase].steps.firstIndex(where: { $0.id == key.step }) {
            index.steps[key] = position
            index.lastStep = (phase, position)
            change(&phases[phase].steps[position])
        } else {
            var step = StepState(id: key.step)
            change(&step)
            phases[phase].steps.append(step)
            index.steps[key] = phases[phase].steps.count - 1
        }
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
    var started: Set<RunState.StepKey> = []
    /// The phase and step found last: most events are about the same ones as the event before.
    var lastPhase: Int?
    var lastStep: (phase: Int, position: Int)?

    static func == (left: FoldIndex, right: FoldIndex) -> Bool { true }
    func hash(into hasher: inout Hasher) {}
}
