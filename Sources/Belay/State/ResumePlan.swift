/// What a resume of a run does first: decided once from the folded journal, and used both to act
/// (the engine's resume) and to describe (`status`, `inspect`, `log`), so the two cannot drift apart.
public enum ResumePlan: Sendable, Hashable, CustomStringConvertible {
    /// The run has ended; there is nothing to resume.
    case nothing(ended: RunState.Status)
    /// A rollback was under way (crashed, paused or stuck): carry it on to its target.
    case continueRollback(to: String, next: RunState.StepKey?)
    /// An unwind was under way (crashed, paused or stuck): carry it on.
    case continueUnwind(next: RunState.StepKey?)
    /// Paused on a step that may have been applied and must not run twice (interrupted, no verify,
    /// not idempotent): it cannot be retried, so every started step is compensated, itself included.
    case unwindUnknownOutcome(RunState.Failure)
    /// A failure was recorded but its policy not applied yet (a crash in between).
    case applyFailurePolicy(RunState.Failure)
    /// Forward, from the first phase that has not completed.
    case forward(ForwardStart)

    /// Where forward progress picks up.
    public enum ForwardStart: Sendable, Hashable {
        /// This step started and has no outcome: its verify decides, else it re-runs when idempotent,
        /// else it counts as failed.
        case settle(RunState.StepKey)
        /// This step failed and the run paused: it runs again.
        case retry(RunState.StepKey)
        /// This step failed with its outcome unknown: it never runs again; its failure is handled
        /// as any failure is (by default, the unwind).
        case failUnknown(RunState.StepKey)
        /// This step has not started.
        case step(RunState.StepKey)
        /// Every step of this phase is done; its rollback point is next.
        case recordPoint(phase: String)
        /// Every phase is done; only the run's completion is left.
        case complete
    }

    /// The plan, in words.
    public var description: String {
        switch self {
        case .nothing(let status):
            "nothing: the run has ended (\(status.rawValue))"
                + (status == .completed || status == .failed ? "; a rollback can still undo it" : "")
        case .continueRollback(let target, let next):
            "the rollback to \(target), " + (next.map { "at the compensation of \($0)" } ?? "at restoring the point")
        case .unwindUnknownOutcome(let failure):
            "the unwind: \(failure.site) may have been applied and is neither idempotent nor verifiable, "
                + "so it is not run again; every started step is compensated, itself included"
        case .continueUnwind(let next):
            "the unwind, " + (next.map { "at the compensation of \($0)" } ?? "at restoring the start point")
        case .applyFailurePolicy(let failure):
            "handling the failure of \(failure.site), recorded just before the process stopped"
        case .forward(.settle(let key)):
            "\(key), whose outcome is unknown: its verify decides, else it re-runs if idempotent, else it counts as failed"
        case .forward(.retry(let key)):
            "\(key), run again (it failed)"
        case .forward(.failUnknown(let key)):
            "\(key), whose outcome is unknown: it is not run again, and its failure is handled as the run's policy says"
        case .forward(.step(let key)):
            key.description
        case .forward(.recordPoint(let phase)):
            "recording the rollback point of \(phase)"
        case .forward(.complete):
            "completing the run (every phase is done)"
        }
    }
}

/// What a resume does with one step of a phase that has not completed.
public enum StepResumeDecision: Sendable, Hashable {
    /// Done (succeeded, compensated, skipped, or a warning): nothing to do.
    case done
    /// Started with no outcome: settle it (verify, idempotent re-run, or failed).
    case settleInFlight
    /// Failed with its outcome unknown: never run again; the run unwinds instead.
    case unknownOutcome
    /// Failed (the run paused there): the operator fixed the cause, so it runs again.
    case retry
    /// Not started.
    case run
}

extension RunState {
    /// What a resume does first.
    public var resumePlan: ResumePlan {
        if isFinished { return .nothing(ended: status) }
        if let target = rollbackTarget {
            return .continueRollback(to: target, next: compensations(rollingBackTo: target).first)
        }
        if status == .compensating || status == .stuck || (status == .paused && unwindPending) {
            return .continueUnwind(next: pendingCompensations.first)
        }
        if status == .paused, let unknown = unknownOutcomeFailure { return .unwindUnknownOutcome(unknown) }
        if status == .running, let failure { return .applyFailurePolicy(failure) }
        for phase in phases where !phase.isSettledForResume {
            for step in phase.steps {
                let key = StepKey(phase: phase.id, step: step.id)
                switch step.resumeDecision {
                case .done: continue
                case .settleInFlight: return .forward(.settle(key))
                case .unknownOutcome: return .forward(.failUnknown(key))
                case .retry: return .forward(.retry(key))
                case .run: return .forward(.step(key))
                }
            }
            return .forward(.recordPoint(phase: phase.id))
        }
        return .forward(.complete)
    }

    /// Where a resume would start, in words (`status`, `inspect`, `log`).
    public var resumeStart: String { resumePlan.description }

    /// A critical step whose failure left its outcome unknown (interrupted, no verify, not idempotent):
    /// it must not run twice, so a paused run holding one is unwound by a resume, not retried.
    public var unknownOutcomeFailure: Failure? {
        for phase in phases {
            for step in phase.steps where step.status == .failed && step.outcomeUnknown && !step.warning {
                let key = StepKey(phase: phase.id, step: step.id)
                return Failure(step: key, error: step.error ?? "its outcome is unknown", log: step.log)
            }
        }
        return nil
    }
}

extension RunState.PhaseState {
    /// Completed, skipped, or its rollback point recorded: a resume passes it by.
    public var isSettledForResume: Bool { status == .completed || status == .skipped || checkpoint != nil }
}

extension RunState.StepState {
    /// What a resume does with this step.
    public var resumeDecision: StepResumeDecision {
        switch status {
        case .succeeded, .compensated, .skipped: .done
        case .failed where warning: .done
        case .running: .settleInFlight
        case .failed where outcomeUnknown: .unknownOutcome
        case .failed, .compensationFailed: .retry
        case .pending: .run
        }
    }
}
