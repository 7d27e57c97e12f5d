import Foundation
import Synchronization

/// Journals kept in memory: for tests and for embedding where a run must not outlive the process.
public final class InMemoryRunJournal: RunJournal {
    private let runs = Mutex<[(id: String, events: [JournalEvent])]>([])

    public init() {}

    public func appender(run: String, creating: Bool, lastSeq: Int) throws(EngineError) -> any JournalAppender {
        try runs.withLock { runs throws(EngineError) in
            let exists = runs.contains { $0.id == run }
            if creating, exists { throw EngineError(.invalidSaga, .runExists(runID: run)) }
            if !exists { runs.append((run, [])) }
        }
        return Appender(journal: self, run: run)
    }

    public func read(run: String) throws(EngineError) -> JournalContents {
        guard let events = runs.withLock({ runs in runs.first { $0.id == run }?.events }) else {
            throw EngineError(.unknownRun, .unknownRun(runID: run, workspace: "memory"))
        }
        return JournalContents(events: events)
    }

    public func runIDs() -> [String] { runs.withLock { $0.map(\.id) } }

    fileprivate func append(_ events: [JournalEvent], to run: String) -> [JournalEvent] {
        runs.withLock { runs in
            guard let index = runs.firstIndex(where: { $0.id == run }) else { return [] }
            let stored = JournalEvent.numbered(events, after: runs[index].events.last?.seq ?? 0)
            runs[index].events += stored
            return stored
        }
    }

    private struct Appender: JournalAppender {
        let journal: InMemoryRunJournal
        let run: String

        func append(_ events: [JournalEvent]) throws(EngineError) -> [JournalEvent] {
            journal.append(events, to: run)
        }
    }
}
