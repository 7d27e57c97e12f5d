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
}

extension Engine {
    /// Plans a rollback of `runID` to `target` (`start` or a phase id): which compensations run, in
    /// which order, and which files change. Reads only.
    /// - Throws: `EngineError` for an unknown run, an unknown target (with a did-you-mean), a phase
    ///   with no rollback point (skipped, never completed), or one whose work was already undone.
    public func planRollback(_ runID: String, to target: String, saga: Saga? = nil) async throws -> RollbackPlan {
        let state = try RunFolder(workspace: workspace, runID: runID).state()
        return try await planRollback(runID, state: state, to: target, saga: saga)
    }

    func planRollback(_ runID: String, state: RunState, to target: String, saga: Saga?) async throws -> RollbackPlan {
        try Self.checkRollbackTarget(target, state: state, runID: runID)
        guard let targetCommit = state.points[target] else {
            throw EngineError(.refused, "run \(runID) has no rollback point '\(target)'")
        }
        let keys = state.compensations(rollingBackTo: target)
        let compensations = keys.map { key -> RollbackPlan.Compensation in
            let step = saga?.phase(key.phase)?.steps.first { $0.id == key.step }
            var command: String?
            if case .shell(let text)? = step?.compensate { command = text }
            let irreversible = saga != nil && step != nil && step?.compensate == nil
            return .init(step: key, command: command, note: irreversible ? "irreversible: the step has no compensation" : nil)
        }
        var fileChanges: [FileChange] = []
        var drift: [String] = []
        if let store = (points as? GitRollbackPoints)?.store {
            do {
                if let point = try await store.point(run: runID, name: target) {
                    fileChanges = try await store.drift(since: point).map(Self.reversed)
                }
                drift = try await points.changesSinceLastCommit(run: runID) ?? []
            } catch {
                throw EngineError(.checkpoint, "cannot compare the workspace with the rollback point '\(target)': \(error)")
            }
        }
        var reason: String?
        if keys.isEmpty, fileChanges.isEmpty {
            if state.status == .rolledBack, state.rolledBackTo == target {
                reason = "run \(runID) was already rolled back to \(target)"
            } else if state.status == .compensated, target == "start" {
                reason = "run \(runID) was compensated: every started step was undone and the workspace restored to start"
            }
        }
        return RollbackPlan(
            runID: runID, target: target, targetCommit: targetCommit, phasesUndone: state.phases(after: target),
            compensations: compensations, fileChanges: fileChanges, drift: drift, nothingToDo: reason != nil,
            nothingToDoReason: reason)
    }

    /// Rolls `runID` back to `target` (DESIGN §5): compensates the started steps of every later
    /// phase, newest first, restores the target point's tree, records a `rollback` commit whose tree
    /// is the point's, and ends `rolled_back`. A failing compensation leaves the run stuck; `resume`
    /// continues the rollback.
    /// - Parameter force: go on even when files changed outside Belay since the run's last commit.
    /// - Throws: `EngineError` (`.locked`, `.unknownRun`, `.refused`, `.workspaceChanged`…) when it
    ///   cannot start; compensation failures are in the outcome.
    public func rollback(
        _ runID: String, to target: String, saga: Saga, options: RunOptions = RunOptions(), force: Bool = false
    ) async throws -> RunOutcome {
        let order = try saga.executionOrder()
        let folder = RunFolder(workspace: workspace, runID: runID)
        let (lock, state) = try folder.lockAndReadState()
        defer { lock.release() }
        let plan = try await planRollback(runID, state: state, to: target, saga: saga)
        if plan.nothingToDo {
            throw EngineError(.refused, "\(plan.nothingToDoReason ?? "nothing to do"); nothing to roll back")
        }
        let drift = try await DriftCheck.check(state: state, runID: runID, points: points, force: force, doing: "rollback")
        let execution = try continuation(of: state, saga: saga, order: order, folder: folder, options: options)
        var note = "rollback to \(target) asked while the run was \(state.status.rawValue)"
        if let previous = lock.tookOverFrom { note += "; took over the lock left by \(previous)" }
        if let driftNote = drift.note { note += "; \(driftNote)" }
        return await execution.rollback(to: target, note: note)
    }

    static func checkRollbackTarget(_ target: String, state: RunState, runID: String) throws {
        let ids = state.phases.map(\.id)
        guard target == "start" || ids.contains(target) else {
            let hint = PhaseSelection.suggestion(for: target, among: ["start"] + ids).map { "did you mean '\($0)'? " } ?? ""
            throw EngineError(.refused, "run \(runID) has no phase '\(target)'; \(hint)the targets are: start, \(ids.joined(separator: ", "))")
        }
        if target == "start" {
            guard state.points["start"] != nil else {
                throw EngineError(.refused, "run \(runID) never recorded its start point; there is nothing to roll back to")
            }
            return
        }
        let phase = state.phase(target)!
        let available = ["start"] + state.pointOrder.filter { name in
            name != "start" && state.phase(name).map { $0.status == .completed } == true
        }
        switch phase.status {
        case .skipped:
            throw EngineError(.refused, "phase \(target) of run \(runID) was skipped (\(phase.skipNote ?? "not run")), so it has "
                + "no rollback point; points you can roll back to: \(available.joined(separator: ", "))")
        case .compensated, .compensating:
            throw EngineError(.refused, "phase \(target) of run \(runID) was already undone (its steps were compensated); "
                + "points you can roll back to: \(available.joined(separator: ", "))")
        case .completed:
            break
        case .pending, .running, .failed:
            throw EngineError(.refused, "phase \(target) of run \(runID) never completed, so it has no rollback point; "
                + "points you can roll back to: \(available.joined(separator: ", "))")
        }
        if let done = state.rolledBackTo, let doneIndex = done == "start" ? -1 : ids.firstIndex(of: done),
            let index = ids.firstIndex(of: target), index > doneIndex
        {
            throw EngineError(.refused, "run \(runID) was already rolled back to \(done); phase \(target) comes after it "
                + "and its work was undone; points you can roll back to: \(available.filter { $0 == "start" || (ids.firstIndex(of: $0) ?? 0) <= doneIndex }.joined(separator: ", "))")
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
    func rollback(to target: String, note: String) async -> RunOutcome {
        var started = event(.rollbackStarted)
        started.point = target
        started.note = note
        started.pid = getpid()
        started.host = ProcessInfo.processInfo.hostName
        do { try record(started) } catch {
            return finishFailed(RunState.Failure(step: .init(phase: target, step: "rollback"), error: "\(error)"))
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
                    + "`belay resume` carries it on", phase: phase)
        case nil: break
        }
        do {
            guard let restored = try await points.restore(run: runID, point: target, event: "rollback") else {
                if points is NoRollbackPoints { return finishRollback(target) }
                throw EngineError(.checkpoint, "the rollback point '\(target)' does not exist")
            }
            var event = event(.workspaceRestored)
            event.point = target
            event.commit = restored.commit
            event.tree = restored.tree
            try record(event)
        } catch {
            var event = event(.runStuck)
            event.point = target
            event.error = "every compensation ran, but the workspace could not be restored to the point \(target): \(error)"
            note(event)
            return outcome(.stuck(failure: currentState.failure, compensation: .init(phase: target, step: "restore")))
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
