import Foundation

extension Engine {
    /// Marks the failed compensation of `step` as done by hand: journals `step_resolved` with the
    /// operator's note and name. The unwind stays stopped until a resume carries it on, so a person
    /// looks at the run once more before anything else runs.
    /// - Returns: the run's state after the resolution.
    /// - Throws: `EngineError` for an unknown run or step, a live lock, or a compensation that is
    ///   not failed (nothing to resolve).
    @discardableResult
    public func resolve(_ runID: String, step key: RunState.StepKey, note: String, by: String) throws(EngineError) -> RunState {
        let (lock, state) = try lockAndRead(runID)
        defer { lock.release() }
        func refuse(_ refusal: EngineError.ResolveRefusal) -> EngineError { EngineError(.refused, .resolve(refusal)) }
        guard let step = state.step(key) else {
            throw EngineError(.refused, .unknownStep(runID: runID, step: key, owed: state.pendingCompensations))
        }
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw refuse(.emptyNote) }
        switch step.compensation {
        case .failed, .started:
            break
        case .resolved:
            throw refuse(.alreadyResolved(step: key, by: step.resolvedBy, note: step.resolvedNote))
        case .succeeded, .skipped:
            throw refuse(.notFailed(step: key, succeeded: step.compensation == .succeeded))
        case .notStarted:
            throw refuse(.notRun(step: key))
        }
        let journal = try stores.journal.appender(run: runID, creating: false, lastSeq: state.lastSeq)
        var event = JournalEvent(event: .stepResolved)
        event.run = runID
        event.phase = key.phase
        event.step = key.step
        event.note = note
        event.by = by
        event.host = ProcessInfo.processInfo.hostName
        var after = state
        after.apply(try journal.append(event))
        return after
    }
}
