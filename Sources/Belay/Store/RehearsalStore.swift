import BelayGate
import Foundation

/// The evidence `belay rehearse` leaves in the real workspace: `.belay/rehearsals/<sha256>.json`,
/// named by the SHA-256 of the playbook's exact content, so a gate's `rehearsal: true` criterion
/// only counts a rehearsal of the playbook as it is now.
public struct RehearsalRecord: Sendable, Hashable, Codable {
    /// The playbook file that was rehearsed.
    public var playbook: String
    public var name: String
    public var playbookSHA256: String
    /// `passed` or `failed`.
    public var result: String
    /// The rehearsal's run id (in the scratch workspace).
    public var run: String
    public var startedAt: String
    public var finishedAt: String
    /// The scratch workspace's tree at the `start` point, and after the unwind: equal when it passed.
    public var startTree: String?
    public var endTree: String?
    /// `completed`, or where the forward run failed.
    public var forward: String
    /// Steps compensated, in the order they were (newest first).
    public var compensated: [String]
    /// What went wrong, one line each (empty when it passed).
    public var failures: [String]
    /// Files that differ from the start after the unwind (`modified app.txt`).
    public var changedFiles: [String]
    /// Gate decisions and automatic approvals along the way.
    public var notes: [String]
    /// The folders the rehearsal copied (relative to the workspace) and every file in them with the
    /// SHA-256 of its content: a gate counts the rehearsal only while they are unchanged. Nil in
    /// records of older versions, which then never count.
    public var roots: [String]?
    public var files: [String: String]?
    /// The variables it ran with (secret ones as `***`).
    public var vars: [String: String]?
    /// Each capture and what the comparison after the unwind found: `verified`, `differs` or
    /// `not_compared: <why>`. Nil when the playbook has no captures.
    public var captures: [String: String]?

    public var succeeded: Bool { result == "passed" }

    enum CodingKeys: String, CodingKey {
        case playbook, name
        case playbookSHA256 = "playbook_sha256"
        case result, run
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case startTree = "start_tree"
        case endTree = "end_tree"
        case forward, compensated, failures
        case changedFiles = "changed_files"
        case notes, roots, files, vars, captures
    }

    /// What a gate's `rehearsal: true` criterion needs to know, given the files as they are now.
    public func evidence(now current: ReachedFiles?) -> RehearsalEvidence {
        var stale: String?
        if let current {
            if let files {
                let changes = current.changes(since: files)
                if let first = changes.first {
                    stale = first + (changes.count > 1 ? " (and \(changes.count - 1) more)" : "")
                }
            } else {
                stale = "it recorded no file contents (an older Belay), so what it proved is unknown"
            }
        }
        return RehearsalEvidence(
            succeeded: succeeded, runID: run, finishedAt: JournalClock.parse(finishedAt),
            detail: failures.first, stale: stale, vars: vars,
            captures: captures.map { $0.filter { $0.value == "verified" }.keys.sorted() })
    }
}

/// Reads and writes rehearsal records of a workspace.
public struct RehearsalStore: Sendable {
    public let workspace: URL

    public init(workspace: URL) { self.workspace = workspace.standardizedFileURL }

    public var directory: URL { RunFolder.belayDirectory(workspace).appendingPathComponent("rehearsals") }

    public func url(sha256: String) -> URL { directory.appendingPathComponent("\(sha256).json") }

    /// The SHA-256 of a playbook's content, as records are named.
    public static func digest(_ content: Data) -> String { SHA256.hex(of: content) }

    public func record(sha256: String) -> RehearsalRecord? {
        guard let data = try? Data(contentsOf: url(sha256: sha256)) else { return nil }
        return try? JSONDecoder().decode(RehearsalRecord.self, from: data)
    }

    /// The last rehearsal of exactly this playbook content, or nil (the criterion's evidence is then
    /// missing), judged against the files it reached as they are now.
    public func evidence(sha256: String, saga: Saga?, playbook: String?) -> RehearsalEvidence? {
        guard let record = record(sha256: sha256) else { return nil }
        let roots = record.roots ?? saga.map { ReachedFiles.roots(of: $0, workspace: workspace, playbook: playbook) } ?? ["."]
        return record.evidence(now: ReachedFiles.scan(roots: roots, workspace: workspace))
    }

    public func evidence(playbookContent content: Data, saga: Saga?, playbook: String?) -> RehearsalEvidence? {
        evidence(sha256: Self.digest(content), saga: saga, playbook: playbook)
    }

    /// Writes the record (replacing an older rehearsal of the same content) and returns its file.
    @discardableResult
    public func save(_ record: RehearsalRecord) throws -> URL {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let target = url(sha256: record.playbookSHA256)
        try PrivateFiles.write(encoder.encode(record) + Data("\n".utf8), to: target)
        return target
    }
}
