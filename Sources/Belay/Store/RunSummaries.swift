import Foundation

/// A small file beside each local journal, `.belay/runs/<run>/summary.json`, with what a history
/// line shows, so listing a thousand runs reads a thousand small files rather than every journal.
///
/// It is a cache, never a record: it carries the size of the journal it was folded from, and a
/// summary whose journal has grown (or shrunk) since, or that is missing or unreadable, is rebuilt
/// from the journal and written again.
public struct RunSummaries: Sendable {
    public let workspace: URL

    private let runsPath: String

    public init(workspace: URL) {
        self.workspace = workspace.standardizedFileURL
        runsPath = RunFolder.runsPath(self.workspace)
    }

    /// What a history line says about a run.
    public struct Summary: Sendable, Hashable, Codable {
        /// The journal's size in bytes when this was folded from it.
        public var journalBytes: Int64
        public var status: RunState.Status
        public var playbook: String?
        public var environment: String?
        /// The vars the playbook marks `show: true` with the run's values, in the playbook's order.
        public var shownVars: [[String]]
        public var startedTime: String?
        public var updatedTime: String?
        public var durationMs: Int64?
        public var startedBy: String?
        /// Who approved each approval step, in the order they were decided.
        public var approvedBy: [String]
        public var events: Int

        enum CodingKeys: String, CodingKey {
            case journalBytes = "journal_bytes", status, playbook, environment
            case shownVars = "shown_vars", startedTime = "started", updatedTime = "updated"
            case durationMs = "duration_ms", startedBy = "by", approvedBy = "approved_by", events
        }

        public init(state: RunState, journalBytes: Int64) {
            self.journalBytes = journalBytes
            status = state.status
            playbook = state.playbook
            environment = state.environment
            shownVars = state.shownVars.compactMap { name in state.vars[name].map { [name, $0] } }
            startedTime = state.startedTime
            updatedTime = state.updatedTime
            durationMs = state.durationMs
            startedBy = state.startedBy
            approvedBy = state.approvals.values
                .filter { $0.decision == "approved" }
                .sorted { ($0.decidedTime ?? "") < ($1.decidedTime ?? "") }
                .compactMap(\.by)
            events = state.lastSeq
        }

        public var startedAt: Date? { startedTime.flatMap(JournalClock.parse) }
        public var updatedAt: Date? { updatedTime.flatMap(JournalClock.parse) }
    }

    /// The run's summary: the stored one while it matches its journal, else folded again (and
    /// stored, when the folder can be written). Nil when the journal is missing or damaged.
    public func summary(of run: String) -> Summary? {
        // Paths by hand: a thousand runs would otherwise build thousands of URLs.
        let folder = runsPath + "/" + run
        guard let size = Self.size(of: folder + "/journal.jsonl") else { return nil }
        if let data = FileManager.default.contents(atPath: folder + "/summary.json"),
            let stored = Summary(stored: data) ?? (try? JSONDecoder().decode(Summary.self, from: data)),
            stored.journalBytes == size
        {
            return stored
        }
        return try? refresh(run)
    }

    /// Folds the run's journal and stores its summary.
    @discardableResult
    public func refresh(_ run: String) throws(EngineError) -> Summary {
        let folder = RunFolder(workspace: workspace, runID: run)
        // The size is taken first: a journal that grows while it is folded leaves a summary whose
        // size no longer matches, so the next reader folds it again.
        let size = Self.size(of: folder.journal.path) ?? 0
        let state = try JournalReader.fold(folder.journal, cache: folder.foldCache)
        let summary = Summary(state: state, journalBytes: size)
        if let encoded = try? JSONEncoder().encode(summary) {
            try? PrivateFiles.write(encoded, to: folder.summary)
        }
        return summary
    }

    private static func size(of path: String) -> Int64? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Int64(info.st_size)
    }
}
