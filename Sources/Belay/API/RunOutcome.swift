/// How a run ended.
public struct RunOutcome: Sendable {
    public enum Result: Sendable, Hashable {
        case completed
        /// A step failed (or a resumed unwind finished); every started step was compensated and the
        /// workspace restored.
        case compensated(failure: RunState.Failure?)
        /// The unwind stopped: a compensation failed after its retries, or the workspace could not be
        /// restored to the point.
        case stuck(failure: RunState.Failure?, at: StuckAt)
        /// A step failed (or waits for an approval) and the run waits for a resume or a rollback.
        case paused(failure: RunState.Failure)
        /// A step failed and nothing was compensated (failure policy `stop`).
        case failed(failure: RunState.Failure)
        /// The run stopped because it was asked to (a signal, a phase to stop after); a resume goes on.
        case pausedOnRequest(reason: String)
        /// A rollback: the phases after the point were compensated and its tree restored.
        case rolledBack(to: String)
    }

    public var runID: String
    public var result: Result
    /// The final state, folded from the journal.
    public var state: RunState

    /// The process exit code for this outcome (the contract in docs/operate.md): 0 completed or
    /// rolled back, 1 failed (compensated or stopped, or rolled back with a `verify: strict`
    /// capture that differs from the point), 3 stuck, 75 paused.
    public var exitCode: Int32 {
        switch result {
        case .completed: 0
        case .rolledBack: state.captures.lastVerification?.strictFailure == nil ? 0 : 1
        case .compensated, .failed: 1
        case .stuck: 3
        case .paused, .pausedOnRequest: 75
        }
    }
}

/// Where an unwind stopped.
public enum StuckAt: Sendable, Hashable, CustomStringConvertible {
    /// This step's compensation failed after its retries.
    case compensation(RunState.StepKey)
    /// Every compensation ran, but the workspace could not be restored to this point.
    case restore(point: String)

    /// The compensation that failed, if that is what stopped the unwind.
    public var step: RunState.StepKey? {
        if case .compensation(let key) = self { key } else { nil }
    }

    public var description: String {
        switch self {
        case .compensation(let key): key.description
        case .restore(let point): "the restore of the point \(point)"
        }
    }
}
