import Foundation

/// Where a workspace keeps Belay's state (docs/state.md): `.belay/runs/<run>/{playbook.yml,journal.jsonl,logs/}`.
public struct RunFolder: Sendable, Hashable {
    public let workspace: URL
    public let runID: String

    public init(workspace: URL, runID: String) {
        self.workspace = workspace
        self.runID = runID
    }

    // Every path below says whether it is a folder: `appendingPathComponent` would ask the file
    // system, one `stat` per path, which listing a thousand runs pays thousands of times.
    public static func belayDirectory(_ workspace: URL) -> URL { workspace.appending(path: ".belay", directoryHint: .isDirectory) }
    public static func runsDirectory(_ workspace: URL) -> URL { belayDirectory(workspace).appending(path: "runs", directoryHint: .isDirectory) }

    public var url: URL { RunFolder.runsDirectory(workspace).appending(path: runID, directoryHint: .isDirectory) }
    public var journal: URL { url.appending(path: "journal.jsonl", directoryHint: .notDirectory) }
    public var playbook: URL { url.appending(path: "playbook.yml", directoryHint: .notDirectory) }
    public var logs: URL { url.appending(path: "logs", directoryHint: .isDirectory) }
    /// A cache of what a history line shows, folded from the journal (`RunSummaries`).
    public var summary: URL { url.appending(path: "summary.json", directoryHint: .notDirectory) }
    /// Scratch files (step output files) that are removed once read.
    var scratch: URL { url.appending(path: "tmp", directoryHint: .isDirectory) }

    /// `logs/<phase>.<step>.<action>.<attempt>.log`, relative to the workspace (as journaled).
    func logPath(phase: String, step: String, action: String, attempt: Int) -> String {
        ".belay/runs/\(runID)/logs/\(phase).\(step).\(action).\(attempt).log"
    }

    /// Ids of the runs recorded in a workspace, oldest first: by the time of each journal's first
    /// event, since a person may pick ids that do not sort by time (then by id).
    public static func runIDs(in workspace: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsDirectory(workspace).path)) ?? []
        let runs = names.compactMap { name -> (id: String, started: String)? in
            let journal = RunFolder(workspace: workspace, runID: name).journal
            guard FileManager.default.fileExists(atPath: journal.path) else { return nil }
            return (name, firstEventTime(journal) ?? "")
        }
        return runs.sorted { ($0.started, $0.id) < ($1.started, $1.id) }.map(\.id)
    }

    /// The `time` of a journal's first line (ISO 8601 UTC, so it sorts as text), without reading the rest.
    private static func firstEventTime(_ journal: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: journal) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4096) else { return nil }
        let line = head.split(separator: UInt8(ascii: "\n"), maxSplits: 1, omittingEmptySubsequences: false).first ?? head[...]
        guard let text = String(data: Data(line), encoding: .utf8), let range = text.range(of: #""time":""#) else { return nil }
        let rest = text[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
