extension Engine {
    /// Appends a `warning` event to a run's journal under the lock, held only for the append: for
    /// what went wrong around a run without changing it (a notification that was not delivered).
    /// - Throws: `.unknownRun`; `.locked` while a process runs it.
    @discardableResult
    public func warn(_ runID: String, note: String) throws(EngineError) -> JournalEvent {
        let (lock, state) = try lockAndRead(runID)
        defer { lock.release() }
        let journal = try stores.journal.appender(run: runID, creating: false, lastSeq: state.lastSeq)
        var event = JournalEvent(event: .warning)
        event.run = runID
        event.note = note
        return try journal.append(event)
    }
}
