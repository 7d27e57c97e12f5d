import BelaySupport
import Foundation

extension SagaExecution {
    /// Continues a run from its folded journal as its `ResumePlan` says (docs/engine.md): an unwind
    /// or rollback in progress or stuck is carried on from where it stopped; a paused run retries its
    /// failed step; a crashed run decides each step left without an outcome (verify decides, else
    /// re-run when idempotent, else failed), then goes on forward.
    /// `preserved`: the commit that keeps the files a forced resume goes on despite (journaled first).
    func resume(reason: String?, preserved: PreservedWorkspace? = nil, later: LaterRun? = nil) async -> RunOutcome {
        let state = currentState
        var resumed = event(.runResumed)
        resumed.pid = getpid()
        resumed.host = ProcessInfo.processInfo.hostName
        resumed.note = reason
        do {
            try record(resumed)
            if let preserved { try journalPreserved(preserved, before: "the resume", later: later) }
        } catch {
            return finishFailed(RunState.Failure(site: .journal, error: "\(error)"))
        }
        switch state.resumePlan {
        case .nothing:
            return outcome(.completed)
        case .continueRollback(let target, _):
            return await continueRollback(to: target)
        case .continueUnwind:
            return await unwind(after: state.failure)
        case .unwindUnknownOutcome(let unknown):
            return await unwind(after: unknown)
        case .applyFailurePolicy(let failure):
            return await handle(failure)
        case .forward:
            break
        }
        if state.points[PointName.start] == nil, state.startedSteps.isEmpty {
            do { try await recordStartPoint() } catch {
                return finishFailed(RunState.Failure(site: .checkpoint(point: PointName.start), error: "\(error)"))
            }
        }
        for phase in order {
            let phaseState = currentState.phase(phase.id)
            if phaseState?.isSettledForResume == true { continue }
            if let paused = await pauseIfRequested(phase: phase.id) { return paused }
            if phaseState?.status == .pending || phaseState == nil {
                recordLater(event(.phaseStarted, phase: phase.id))
            }
            if let failure = await recoverPhase(phase) { return await handle(failure) }
            if let paused = await pauseIfStoppedInside(phase) { return paused }
            if let failed = await completePhase(phase) { return failed }
        }
        note(event(.runCompleted))
        return outcome(.completed)
    }

    /// Settles the steps of a phase that a crash or a pause left behind, then runs the rest.
    private func recoverPhase(_ phase: Phase) async -> RunState.Failure? {
        var remaining: [Step] = []
        for step in phase.steps {
            let key = RunState.StepKey(phase: phase.id, step: step.id)
            guard let stepState = currentState.step(key) else {
                remaining.append(step)
                continue
            }
            switch stepState.resumeDecision {
            case .done:
                continue
            case .settleInFlight:
                if case .failed(let failure) = await settleInFlight(step, in: phase, state: stepState) {
                    return failure
                }
            case .unknownOutcome:
                // Possibly applied and not safe to repeat: never run again (the failure is handled instead).
                return RunState.Failure(step: key, error: stepState.error ?? "its outcome is unknown")
            case .retry, .run:
                // Paused after this step failed (the operator fixed the cause), or not started yet.
                remaining.append(step)
            }
        }
        return await runPhase(phase, only: remaining)
    }

    /// A step started before the crash with no outcome: verify decides; else re-run it when it is
    /// idempotent; else it is failed (and compensated with the others).
    private func settleInFlight(_ step: Step, in phase: Phase, state: RunState.StepState) async -> StepResult {
        let key = RunState.StepKey(phase: phase.id, step: step.id)
        // A gate changes nothing and an approval waits for its decision in the journal: ask again.
        if step.run.isGateOrApproval { return await runStep(step, in: phase) }
        if let verify = step.verify {
            // Outputs the interrupted attempt wrote are still in its scratch file.
            let attempt = max(1, state.attempts)
            var outputs = state.outputs
            let scratch = folder.scratch.appendingPathComponent("\(phase.id).\(step.id).run.\(attempt).out").path
            outputs.merge(StepOutputFile.consume(scratch).outputs) { _, new in new }
            let check = await perform(
                verify, action: .verify, step: step, phase: phase, attempt: attempt, input: state.value, outputs: outputs)
            var outcome = event(check.succeeded ? .stepSucceeded : (step.critical ? .stepFailed : .stepWarning),
                phase: phase.id, step: step.id)
            outcome.outputs = outputs.isEmpty ? nil : outputs
            outcome.note = "its outcome was unknown after a crash; verify decided"
            outcome.error = check.succeeded ? nil : "interrupted by a crash, and verify failed: \(check.error ?? "")"
            outcome.log = check.succeeded ? nil : check.log
            do { try record(outcome) } catch {
                return .failed(RunState.Failure(step: key, error: "cannot journal the step's outcome: \(error)"))
            }
            if check.succeeded { return .succeeded }
            return step.critical ? .failed(RunState.Failure(step: key, error: outcome.error!, log: check.log)) : .warning
        }
        if step.idempotent {
            return await runStep(step, in: phase)
        }
        if options.interruption?.isRequested == true { return .interrupted }
        var failed = event(step.critical ? .stepFailed : .stepWarning, phase: phase.id, step: step.id)
        failed.error = "interrupted by a crash or a second signal; with no verify and not idempotent its outcome is unknown, so it counts as failed"
        failed.outcomeUnknown = true
        do { try record(failed) } catch {
            return .failed(RunState.Failure(step: key, error: "cannot journal the step's outcome: \(error)"))
        }
        return step.critical ? .failed(RunState.Failure(step: key, error: failed.error!)) : .warning
    }
}
