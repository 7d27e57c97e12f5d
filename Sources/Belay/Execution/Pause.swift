import Foundation

extension SagaExecution {
    /// Pauses before the next phase or step when the operator asked to stop.
    func pauseIfRequested(phase: String? = nil) async -> RunOutcome? {
        guard let interruption = options.interruption, interruption.isRequested else { return nil }
        return await pauseOnRequest(Self.interruptedNote(interruption), phase: phase ?? lastPhaseTouched)
    }

    /// After a phase's steps returned: when the operator stopped it part-way (steps not run, or killed
    /// with their outcome unknown), pause without recording the phase's rollback point.
    func pauseIfStoppedInside(_ phase: Phase) async -> RunOutcome? {
        guard let interruption = options.interruption, interruption.isRequested else { return nil }
        let done = withState { state in
            state.phase(phase.id)?.steps.allSatisfy { step in
                step.status == .succeeded || step.status == .skipped || (step.status == .failed && step.warning)
            } ?? false
        }
        guard !done else { return nil }
        return await pauseOnRequest(Self.interruptedNote(interruption), phase: phase.id)
    }

    /// Records the workspace as the run leaves it, then `run_paused` with the reason.
    func pauseOnRequest(_ reason: String, phase: String) async -> RunOutcome {
        await recordStopCommit(event: "paused", phase: phase)
        var paused = event(.runPaused)
        paused.note = reason
        note(paused)
        return outcome(.pausedOnRequest(reason: reason))
    }

    /// The step's (or compensation's) process was killed by the operator's second signal: its
    /// outcome is unknown, so nothing is concluded; `resume` settles it as after a crash.
    func recordInterrupted(_ step: Step, in phase: Phase, action: StepContext.Action, log: String?) -> StepResult {
        var interrupted = event(.stepInterrupted, phase: phase.id, step: step.id)
        interrupted.action = action
        interrupted.log = log
        interrupted.note = "killed by a second \(options.interruption?.reason ?? "signal"); its outcome is unknown"
        note(interrupted)
        return .interrupted
    }

    static func interruptedNote(_ interruption: RunInterruption) -> String {
        interruption.isKilling
            ? "interrupted by \(interruption.reason) twice: the steps in flight were killed, their outcome is unknown"
            : "interrupted by \(interruption.reason): the steps in flight finished"
    }

    /// The phase of the newest started step (for the pause commit's subject).
    var lastPhaseTouched: String { withState { $0.startedSteps.last?.phase ?? PointName.start } }
}
