import Foundation

/// Where runs' journals live: the seam between the engine and its storage of record.
///
/// The engine appends every event durably before it acts on it, and rebuilds a run's state by
/// folding what `read` returns. The default is one `journal.jsonl` per run under `.belay/runs/`
/// (`LocalRunJournal`); `InMemoryRunJournal` serves tests and embedding; a shared store puts the
/// same events in a database.
public protocol RunJournal: Sendable {
    /// Opens a run's journal for appending. With `creating`, the run must be new: an id whose
    /// journal exists is refused (`.runExists`). `lastSeq` continues an existing journal's numbering.
    func appender(run: String, creating: Bool, lastSeq: Int) throws(EngineError) -> any JournalAppender

    /// Every event of the run, in order. A torn last line (a crash mid-write) is counted in
    /// `ignoredLines`, never returned; any other line that cannot be trusted is an error.
    /// - Throws: `.unknownRun` when there is no such run, `.journalDamaged` for a damaged line.
    func read(run: String) throws(EngineError) -> JournalContents

    /// The run's state, folded from its journal; a store may fold without holding every event.
    /// - Throws: as `read`.
    func state(of run: String) throws(EngineError) -> RunState

    /// Hands each event of the run to `body`, in order; a store may read them without holding
    /// every event, so memory does not grow with the journal. Each event is handed over, not
    /// lent: a body that keeps it takes it without a copy.
    /// - Throws: as `read`.
    func forEachEvent(run: String, _ body: (consuming JournalEvent) -> Void) throws(EngineError)

    /// The ids of every recorded run, oldest first.
    func runIDs() -> [String]
}

extension RunJournal {
    public func state(of run: String) throws(EngineError) -> RunState { try read(run: run).state }

    public func forEachEvent(run: String, _ body: (consuming JournalEvent) -> Void) throws(EngineError) {
        for event in try read(run: run).events { body(event) }
    }
}

/// The append side of one run's journal.
public protocol JournalAppender: Sendable {
    /// Numbers, stamps and stores `events`; all are durable when this returns (one write, one sync).
    @discardableResult
    func append(_ events: [JournalEvent]) throws(EngineError) -> [JournalEvent]

    /// `append`, where `durable` false allows the events to be only written (kept if this process
    /// crashes) and synced by the next durable append. Stores without that distinction sync always.
    @discardableResult
    func append(_ events: [JournalEvent], durable: Bool) throws(EngineError) -> [JournalEvent]
}

extension JournalAppender {
    @discardableResult
    public func append(_ events: [JournalEvent], durable: Bool) throws(EngineError) -> [JournalEvent] {
        try append(events)
    }

    @discardableResult
    public func append(_ event: JournalEvent) throws(EngineError) -> JournalEvent {
        try append([event])[0]
    }
}

extension JournalEvent {
    /// `events` as an append stores them: numbered on from `seq`, all stamped with the same time.
    public static func numbered(_ events: [JournalEvent], after seq: Int) -> [JournalEvent] {
        let time = JournalClock.now()
        return events.enumerated().map { offset, event in
            var event = event
            event.seq = seq + offset + 1
            event.time = time
            return event
        }
    }
}

/// A run's journal as read back.
public struct JournalContents: Sendable {
    public var events: [JournalEvent]
    /// Lines that could not be decoded (a torn last line after a crash).
    public var ignoredLines: Int

    public init(events: [JournalEvent], ignoredLines: Int = 0) {
        self.events = events
        self.ignoredLines = ignoredLines
    }

    /// The run's state: the fold of its events.
    public var state: RunState { RunState.fold(events, ignoredLines: ignoredLines) }
}

/// Journals as files: `.belay/runs/<run>/journal.jsonl`, fsync'd on every append.
public struct LocalRunJournal: RunJournal {
    public let workspace: URL

    public init(workspace: URL) { self.workspace = workspace.standardizedFileURL }

    public func appender(run: String, creating: Bool, lastSeq: Int) throws(EngineError) -> any JournalAppender {
        let folder = RunFolder(workspace: workspace, runID: run)
        if creating {
            if FileManager.default.fileExists(atPath: folder.journal.path) {
                throw EngineError(.invalidSaga, .runExists(runID: run))
            }
            do { try FileManager.default.createDirectory(at: folder.url, withIntermediateDirectories: true) } catch {
                throw EngineError(.workspace, .io(.runFolder, path: folder.url.path, reason: error.localizedDescription))
            }
        }
        return try JournalWriter(url: folder.journal, lastSeq: lastSeq)
    }

    public func read(run: String) throws(EngineError) -> JournalContents {
        let (events, ignored) = try JournalReader.read(try journal(of: run))
        return JournalContents(events: events, ignoredLines: ignored)
    }

    public func state(of run: String) throws(EngineError) -> RunState {
        try JournalReader.fold(try journal(of: run), cache: RunFolder(workspace: workspace, runID: run).foldCache)
    }

    public func forEachEvent(run: String, _ body: (consuming JournalEvent) -> Void) throws(EngineError) {
        _ = try JournalReader.forEach(try journal(of: run), body)
    }

    /// The run's journal file.
    /// - Throws: `.unknownRun` when the run has none.
    private func journal(of run: String) throws(EngineError) -> URL {
        let journal = RunFolder(workspace: workspace, runID: run).journal
        guard FileManager.default.fileExists(atPath: journal.path) else {
            throw EngineError(.unknownRun, .unknownRun(runID: run, workspace: workspace.path))
        }
        return journal
    }

    public func runIDs() -> [String] { RunFolder.runIDs(in: workspace) }
}
