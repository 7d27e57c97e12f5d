import BelayPlaybook
import BelaySupport
import Foundation
import Synchronization

/// Rollback points and the ways a run ends: the start point, each phase's point, the commit
/// that keeps a stopped run's files, and the outcome handed back.
extension SagaExecution {
    /// The `start` point: the workspace before the first phase, where an unwind restores it.
    func recordStartPoint() async throws(EngineError) {
        try await recordPoint(
            name: PointName.start, event: "start", phase: PointName.start, summary: "before the first phase")
    }

    func recordPoint(name: String, event kind: String, phase: String, summary: String) async throws(EngineError) {
        let recorded: RecordedPoint?
        let notes = name == PointName.start ? CheckpointNotes() : checkpointNotes(phase: phase)
        do {
            recorded = try await points.record(
                run: runID, event: kind, phase: phase, point: name, summary: notes.summary(after: summary),
                details: notes.details)
        } catch {
            throw EngineError(.checkpoint, .checkpoint(action: "record the rollback point '\(name)'", underlying: "\(error)"))
        }
        guard let recorded else { return }
        var checkpoint = event(.checkpointRecorded, phase: name == PointName.start ? nil : phase)
        checkpoint.point = name
        checkpoint.commit = recorded.commit
        checkpoint.tree = recorded.tree
        // The start point is durable with the first phase's first step; a phase's with `phase_completed`.
        recordLater(checkpoint)
        try await recordCaptures(point: name)
    }

    /// Applies the failure policy to a critical failure.
    func handle(_ failure: RunState.Failure) async -> RunOutcome {
        if storeLost.withLock({ $0 }) != nil { return outcome(.completed) }
        if let step = failure.step, currentState.waitingApproval == step { return await stopForApproval(failure, at: step) }
        // The operator asked to stop: a failure meanwhile pauses the run rather than unwinding it,
        // so nothing long starts after Ctrl-C; `resume` retries the step, `rollback` undoes.
        let policy: FailurePolicy = options.interruption?.isRequested == true ? .pause : options.onFailure
        switch policy {
        case .compensate:
            return await unwind(after: failure)
        case .pause:
            await recordStopCommit(event: "paused", phase: failure.step?.phase ?? PointName.start)
            var paused = event(.runPaused)
            paused.failedStep = failure.site.description
            paused.error = failure.error
            note(paused)
            return outcome(.paused(failure: failure))
        case .stop:
            return finishFailed(failure)
        }
    }

    /// A commit of the workspace as Belay leaves it (no point name), so a later `resume` can tell
    /// files changed outside Belay from those its own steps changed.
    func recordStopCommit(event kind: String, phase: String) async {
        await keepCapturesAsLeft()
        guard let recorded = try? await points.record(
            run: runID, event: kind, phase: phase.isEmpty ? PointName.start : phase, point: nil,
            summary: "the workspace as the run left it (\(kind))")
        else { return }
        var checkpoint = event(.checkpointRecorded, phase: phase)
        checkpoint.commit = recorded.commit
        checkpoint.tree = recorded.tree
        recordLater(checkpoint)
    }

    func finishFailed(_ failure: RunState.Failure) -> RunOutcome {
        var failed = event(.runFailed)
        failed.failedStep = failure.site.description
        failed.error = failure.error
        note(failed)
        return outcome(.failed(failure: failure))
    }

    func outcome(_ result: RunOutcome.Result) -> RunOutcome {
        if let lost = storeLost.withLock({ $0 }) {
            return RunOutcome(runID: runID, result: .pausedOnRequest(reason: "stopped: \(lost)"), state: currentState)
        }
        return RunOutcome(runID: runID, result: result, state: currentState)
    }
}
