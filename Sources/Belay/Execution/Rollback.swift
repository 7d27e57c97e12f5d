import BelayGit
import BelaySupport
import Foundation

/// What `belay rollback <run> --to <point>` would do, computed without changing anything.
public struct RollbackPlan: Sendable {
    /// One compensation the rollback runs, in order (newest started first).
    public struct Compensation: Sendable, Hashable {
        public var step: RunState.StepKey
        /// The compensation's command, or nil for a code-defined one.
        public var command: String?
        /// Why nothing will run for it (irreversible step), if so.
        public var note: String?
    }

    public var runID: String
    /// `start` or a phase id.
    public var target: String
    /// The commit of the target rollback point.
    public var targetCommit: String
    /// Phases after the target, in plan order: their started steps are compensated.
    public var phasesUndone: [String]
    public var compensations: [Compensation]
    /// How the workspace changes when the target's tree is restored (from now to the target).
    public var fileChanges: [FileChange]
    /// Files changed outside Belay since the run's last commit (`kind path`).
    public var drift: [String]
    /// Nothing to compensate and the run already ended at this point: a rollback has nothing to do.
    public var nothingToDo: Bool
    /// Why there is nothing to do, for the operator.
    public var nothingToDoReason: String?
    /// Each capture run now against what the target point kept (diffs from now to the target):
    /// what the rollback should do to the target. Empty unless asked for.
    public var captures: [CaptureComparison] = []
}

extension Engine {
    /// Plans a rollback of `runID` to `target` (`start` or a phase id): which compensations run, in
    /// which order, and which files change. Reads only.
    /// - Throws: `EngineError` for an unknown run, an unknown target (with a did-you-mean), a phase
    ///   with no rollback point (skipped, never completed), or one whose work was already undone.
    /// - Parameter captures: also run the playbook's captures and compare them with the target's.
    public func planRollback(_ runID: String, to target: String, saga: Saga? = nil, captures: Bool = false) async throws -> RollbackPlan {
        let state = try state(of: runID)
        var plan = try await planRollback(runID, state: state, to: target, saga: saga)
        if captures, let saga, !saga.captures.isEmpty {
            let runner = CaptureRunner(saga: saga, folder: RunFolder(workspace: workspace, runID: runID), options: RunOptions())
            let kept = try? await points.captures(run: runID, point: target)
            plan.captures = CaptureComparison.compare(live: await runner.run(), kept: kept, point: target, fromKept: false)
        }
        return plan
    }

    func planRollback(_ runID: String, state: RunState, to target: String, saga: Saga?) async throws -> RollbackPlan {
        try Self.checkRollbackTarget(target, state: state, runID: runID)
        guard let targetCommit = state.points[target] else {
            throw EngineError(.refused, .missingPoints(runID: runID, names: [target]))
        }
        let keys = state.compensations(rollingBackTo: target)
        let compensations = keys.map { key -> RollbackPlan.Compensation in
            let step = saga?.phase(key.phase)?.steps.first { $0.id == key.step }
            var command: String?
            if case .shell(let text)? = step?.compensate { command = text }
            let irreversible = saga != nil && step != nil && step?.compensate == nil
            return .init(step: key, command: command, note: irreversible ? "irreversible: the step has no compensation" : nil)
        }
        let missing = try await repairPoints(runID, state: state, names: [target])
        if !missing.isEmpty { throw EngineError(.checkpoint, .missingPoints(runID: runID, names: missing)) }
        var fileChanges: [FileChange] = []
        var drift: [String] = []
        do {
            if try await points.point(run: runID, name: target) != nil {
                fileChanges = try await points.diff(run: runID, from: target, to: nil).map(Self.reversed)
            }
            drift = try await points.changesSinceLastCommit(run: runID) ?? []
        } catch {
            throw EngineError(.checkpoint, .checkpoint(
                action: "compare the workspace with the rollback point '\(target)'", underlying: "\(error)"))
        }
        var reason: String?
        if keys.isEmpty, fileChanges.isEmpty {
            if state.status == .rolledBack, state.rolledBackTo == target {
                reason = "run \(runID) was already rolled back to \(target)"
            } else if state.status == .compensated, target == PointName.start {
                reason = "run \(runID) was compensated: every started step was undone and the workspace restored to start"
            }
        }
        return RollbackPlan(
            runID: runID, target: target, targetCommit: targetCommit, phasesUndone: state.phases(after: target),
            compensations: compensations, fileChanges: fileChanges, drift: drift, nothingToDo: reason != nil,
            nothingToDoReason: reason)
    }

    /// Rolls `runID` back to `target` (docs/operate.md): compensates the started steps of every later
    /// phase, newest first, restores the target point's tree, records a `rollback` commit whose tree
    /// is the point's, and ends `rolled_back`. A failing compensation leaves the run stuck; `resume`
    /// continues the rollback.
    /// - Parameter force: go on even when files changed outside Belay since the run's last commit.
    /// - Throws: `EngineError` (`.locked`, `.unknownRun`, `.refused`, `.workspaceChanged`…) when it
    ///   cannot start; compensation failures are in the outcome.
    public func rollback(
        _ runID: String, to target: String, saga: Saga, options: RunOptions = RunOptions(), force: Bool = false
    ) async throws -> RunOutcome {
        let order = try order(of: saga)
        let folder = RunFolder(workspace: workspace, runID: runID)
        let (lock, state) = try lockAndRead(runID)
        defer { lock.release() }
        let plan = try await planRollback(runID, state: state, to: target, saga: saga)
        if plan.nothingToDo {
            throw EngineError(.refused, .nothingToRollBack(reason: plan.nothingToDoReason ?? "nothing to do"))
        }
        let execution = try continuation(of: state, saga: saga, order: order, folder: folder, options: options)
        try await execution.settleOrphans(for: .rollback)
        let drift = try await DriftCheck.check(state: state, runID: runID, points: points, force: force, doing: .rollback)
        let captureDrift = try await execution.checkCaptureDrift(state: state, force: force, operation: .rollback)
        var note = "rollback to \(target) asked while the run was \(state.status.rawValue)"
        if let previous = lock.tookOverFrom { note += "; took over the lock left by \(previous)" }
        if let driftNote = drift.note { note += "; \(driftNote)" }
        if let captureDrift { note += "; \(captureDrift)" }
        return await execution.rollback(to: target, note: note, preserved: drift.preserved, later: drift.laterRun)
    }

    static func checkRollbackTarget(_ target: String, state: RunState, runID: String) throws(EngineError) {
        func refuse(_ refusal: EngineError.RollbackRefusal) -> EngineError { EngineError(.refused, .rollbackTarget(refusal)) }
        let ids = state.phases.map(\.id)
        if let point = StepPoint(target) { return try checkStepTarget(point, state: state, runID: runID) }
        guard target == PointName.start || ids.contains(target) else {
            let suggestion = Suggestion.closest(to: target, among: [PointName.start] + ids + state.pointOrder.filter { StepPoint($0) != nil })
            throw refuse(.unknownTarget(runID: runID, target: target, suggestion: suggestion, phases: ids))
        }
        if target == PointName.start {
            guard state.points[PointName.start] != nil else { throw refuse(.noStartPoint(runID: runID)) }
            return
        }
        let phase = state.phase(target)!
        let available = [PointName.start] + state.pointOrder.filter { name in
            name != PointName.start && state.phase(name).map { $0.status == .completed } == true
        }
        switch phase.status {
        case .skipped:
            throw refuse(.skipped(runID: runID, phase: target, note: phase.skipNote, available: available))
        case .compensated, .compensating:
            throw refuse(.alreadyUndone(runID: runID, phase: target, available: available))
        case .completed:
            break
        case .pending, .running, .failed:
            throw refuse(.neverCompleted(runID: runID, phase: target, available: available))
        }
        if let done = state.rolledBackTo, let doneIndex = done == PointName.start ? -1 : ids.firstIndex(of: done),
            let index = ids.firstIndex(of: target), index > doneIndex
        {
            let stillThere = available.filter { $0 == PointName.start || (ids.firstIndex(of: $0) ?? 0) <= doneIndex }
            throw refuse(.afterEarlierRollback(runID: runID, phase: target, rolledBackTo: done, available: stillThere))
        }
    }

    /// A change from `point` to now, seen from now to `point`.
    static func reversed(_ change: FileChange) -> FileChange {
        let kind: FileChange.Kind =
            switch change.kind {
            case .added: .deleted
            case .deleted: .added
            default: change.kind
            }
        return FileChange(
            path: change.path, kind: kind, linesAdded: change.linesRemoved, linesRemoved: change.linesAdded,
            isBinary: change.isBinary, oldPath: change.oldPath)
    }
}

extension SagaExecution {
    func rollback(to target: String, note: String, preserved: PreservedWorkspace? = nil, later: LaterRun? = nil) async -> RunOutcome {
        var started = event(.rollbackStarted)
        started.point = target
        started.note = note
        started.pid = getpid()
        started.host = ProcessInfo.processInfo.hostName
        do {
            try record(started)
            if let preserved { try journalPreserved(preserved, before: "the rollback", later: later) }
        } catch {
            return finishFailed(RunState.Failure(site: .journal, error: "\(error)"))
        }
        return await continueRollback(to: target)
    }

    /// Compensates what a rollback to `target` still owes, restores the point and ends the run
    /// `rolled_back`. Also what `resume` calls for a rollback that stopped.
    func continueRollback(to target: String) async -> RunOutcome {
        switch await compensateInOrder(currentState.compensations(rollingBackTo: target)) {
        case .stuck(let stuck): return await recordStuck(at: stuck, failure: currentState.failure)
        case .interrupted(let phase):
            return await pauseOnRequest(
                "\(options.interruption.map(Self.interruptedNote) ?? "interrupted") during the rollback to \(target); "
                    + "a resume carries it on", phase: phase)
        case nil: break
        }
        do {
            try await preserveWorkspace(before: "the restore of the point \(target)")
            guard case .restored(let restored) = try await points.restore(run: runID, point: target, event: "rollback")
            else { return finishRollback(target) }
            var event = event(.workspaceRestored)
            event.point = target
            event.commit = restored.commit
            event.tree = restored.tree
            try record(event)
            _ = await verifyCaptures(against: target)
        } catch {
            var event = event(.runStuck)
            event.point = target
            event.error = "every compensation ran, but the workspace could not be restored to the point \(target): \(error)"
            note(event)
            return outcome(.stuck(failure: currentState.failure, at: .restore(point: target)))
        }
        return finishRollback(target)
    }

    private func finishRollback(_ target: String) -> RunOutcome {
        var done = event(.runRolledBack)
        done.point = target
        note(done)
        return outcome(.rolledBack(to: target))
    }
}
