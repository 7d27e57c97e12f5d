import Foundation

extension Engine {
    /// Marks the failed compensation of `step` as done by hand (`belay resolve`): journals
    /// `step_resolved` with the operator's note and name. The unwind stays stopped until
    /// `resume` carries it on, so a person looks at the run once more before anything else runs.
    /// - Returns: the run's state after the resolution.
    /// - Throws: `EngineError` for an unknown run or step, a live lock, or a compensation that is
    ///   not failed (nothing to resolve).
    @discardableResult
    public func resolve(_ runID: String, step key: RunState.StepKey, note: String, by: String) throws -> RunState {
        let folder = RunFolder(workspace: workspace, runID: runID)
        let (lock, state) = try folder.lockAndReadState()
        defer { lock.release() }
        guard let step = state.step(key) else {
            let owed = state.pendingCompensations.map(\.description)
            throw EngineError(.refused, "run \(runID) has no step \(key)"
                + (owed.isEmpty ? "" : "; compensations still owed: \(owed.joined(separator: ", "))"))
        }
        guard !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw EngineError(.refused, "--note must say what was done by hand (it is kept in the journal)")
        }
        switch step.compensation {
        case .failed, .started:
            break
        case .resolved:
            throw EngineError(.refused, "the compensation of \(key) was already resolved by \(step.resolvedBy ?? "someone"): \(step.resolvedNote ?? "")")
        case .succeeded, .skipped:
            throw EngineError(.refused, "the compensation of \(key) is not failed (it \(step.compensation == .succeeded ? "succeeded" : "had nothing to undo")); nothing to resolve")
        case .notStarted:
            throw EngineError(.refused, "the compensation of \(key) has not run yet, so it has not failed; "
                + "resolve only marks a failed compensation as done by hand")
        }
        let journal = try JournalWriter(url: folder.journal, lastSeq: state.lastSeq)
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
