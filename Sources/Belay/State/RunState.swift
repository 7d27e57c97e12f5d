import Foundation

/// A run's state: a pure fold of its journal events.
///
/// Nothing else is stored, so what `status` shows, what `resume` continues and what `rollback`
/// undoes all come from the same durable record. `apply` never fails: an event that does not fit
/// (a step the plan never named) is still recorded rather than dropped.
public struct RunState: Sendable, Hashable {
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

    /// The approval step waiting for a decision, if any.
    public var waitingApproval: StepKey?
    /// Shell actions whose process was spawned and whose attempt has no recorded end: a crash may
    /// have left their process group running (RunState+Processes.swift).
    public var openProcesses: [OpenProcess] = []
    /// What the captures showed (RunState+Captures.swift).
    public var captures = CaptureRecord()

    /// Where each phase and step sits, so a fold of a long run does not search them event by event
    /// (RunState+Fold.swift).
    var index = FoldIndex()

    public init() {}


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

    public func phase(_ id: String) -> PhaseState? { position(ofPhase: id).map { phases[$0] } }

    /// Asked first of the fold's index (the step it changed last, then the steps it remembers),
    /// checked, else searched: a story asks about the step each event just changed, and a search
    /// per question made a long run's story quadratic.
    public func step(_ key: StepKey) -> StepState? {
        guard let phase = position(ofPhase: key.phase) else { return nil }
        let steps = phases[phase].steps
        func holds(_ position: Int) -> Bool { steps.indices.contains(position) && steps[position].id == key.step }
        if let last = index.lastStep, last.phase == phase, holds(last.position) { return steps[last.position] }
        if let cached = index.steps[key], holds(cached) { return steps[cached] }
        return steps.first { $0.id == key.step }
    }

    private func position(ofPhase id: String) -> Int? {
        func holds(_ position: Int) -> Bool { phases.indices.contains(position) && phases[position].id == id }
        if let last = index.lastPhase, holds(last) { return last }
        if let cached = index.phases[id], holds(cached) { return cached }
        return phases.firstIndex { $0.id == id }
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
}
