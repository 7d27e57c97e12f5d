import BelaySupport
import Foundation

extension SagaExecution {
    /// Continues a run from its folded journal (DESIGN §5): an unwind in progress or stuck is
    /// retried from where it stopped; a paused run retries its failed step; a crashed run decides
    /// each step left without an outcome (verify decides, else re-run when idempotent, else failed),
    /// then goes on forward.
    func resume(reason: String?) async -> RunOutcome {
        let state = currentState
        var resumed = event(.runResumed)
        resumed.pid = getpid()
        resumed.host = ProcessInfo.processInfo.hostName
        resumed.note = reason
        do { try record(resumed) } catch {
            return finishFailed(RunState.Failure(step: .init(phase: "resume", step: "journal"), error: "\(error)"))
        }
        // A rollback was under way (crashed, paused or stuck): carry it on to its target.
        if let target = state.rollbackTarget {
            return await continueRollback(to: target)
        }
        // An unwind was under way (crashed, paused or stuck): carry it on.
        if state.status == .compensating || state.status == .stuck || (state.status == .paused && state.unwindPending) {
            return await unwind(after: state.failure)
        }
        // Paused on a step that may have been applied and must not run twice (interrupted, no verify,
        // not idempotent): it cannot be retried, so it is treated as failed, and so compensated,
        // itself included (DESIGN §5), instead of being run again.
        if state.status == .paused, let unknown = state.unknownOutcomeFailure {
            return await unwind(after: unknown)
        }
        // A failure was recorded but the policy was not applied yet (crash in between).
        if state.status == .running, let failure = state.failure {
            return await handle(failure)
        }
        if state.points["start"] == nil, state.startedSteps.isEmpty {
            do {
                try await recordPoint(name: "start", event: "start", phase: "start", summary: "before the first phase")
            } catch {
                return finishFailed(RunState.Failure(step: .init(phase: "start", step: "checkpoint"), error: "\(error)"))
            }
        }
        for phase in order {
            let phaseState = currentState.phase(phase.id)
            if phaseState?.status == .completed || phaseState?.status == .skipped || phaseState?.checkpoint != nil {
                continue
            }
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
            switch stepState.status {
            case .succeeded, .compensated, .skipped:
                continue
            case .failed where stepState.warning:
                continue
            case .running:
                if case .failed(let failure) = await settleInFlight(step, in: phase, state: stepState) {
                    return failure
                }
            case .failed where stepState.outcomeUnknown:
                // Possibly applied and not safe to repeat: never run again (resume unwinds instead).
                return RunState.Failure(step: key, error: stepState.error ?? "its outcome is unknown")
            case .failed, .compensationFailed:
                // Paused after this step failed: the operator fixed the cause; try it again.
                remaining.append(step)
            case .pending:
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
            outputs.merge(StepOutputFile.consume(scratch)) { _, new in new }
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
