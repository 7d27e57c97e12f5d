import Foundation

/// Where a workspace keeps Belay's state (docs/state.md): `.belay/runs/<run>/{playbook.yml,journal.jsonl,logs/}`.
public struct RunFolder: Sendable, Hashable {
    public let workspace: URL
    public let runID: String
    /// `.belay/runs/<run>`, made once: every step's paths start from it.
    public let url: URL

    public init(workspace: URL, runID: String) {
        self.workspace = workspace
        self.runID = runID
        self.url = RunFolder.runsDirectory(workspace).appending(path: runID, directoryHint: .isDirectory)
    }

    // Every path below says whether it is a folder: `appendingPathComponent` would ask the file
    // system, one `stat` per path, which listing a thousand runs pays thousands of times.
    public static func belayDirectory(_ workspace: URL) -> URL { workspace.appending(path: ".belay", directoryHint: .isDirectory) }
    public static func runsDirectory(_ workspace: URL) -> URL { belayDirectory(workspace).appending(path: "runs", directoryHint: .isDirectory) }

    public var journal: URL { url.appending(path: "journal.jsonl", directoryHint: .notDirectory) }
    public var playbook: URL { url.appending(path: "playbook.yml", directoryHint: .notDirectory) }
    public var logs: URL { url.appending(path: "logs", directoryHint: .isDirectory) }
    /// A cache of what a history line shows, folded from the journal (`RunSummaries`).
    public var summary: URL { url.appending(path: "summary.json", directoryHint: .notDirectory) }
    /// A cache of the state the journal folds to, for long journals (`FoldCache`).
    public var foldCache: URL { url.appending(path: "fold.cache", directoryHint: .notDirectory) }
    /// Scratch files (step output files) that are removed once read.
    var scratch: URL { url.appending(path: "tmp", directoryHint: .isDirectory) }

    /// `logs/<phase>.<step>.<action>.<attempt>.log`, relative to the workspace (as journaled).
    func logPath(phase: String, step: String, action: String, attempt: Int) -> String {
        ".belay/runs/\(runID)/logs/\(phase).\(step).\(action).\(attempt).log"
    }

    /// Ids of the runs recorded in a workspace, oldest first: by the time of each journal's first
    /// event, since a person may pick ids that do not sort by time (then by id).
    public static func runIDs(in workspace: URL) -> [String] {
        let runs = runsPath(workspace)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runs)) ?? []
        var buffer = [UInt8](repeating: 0, count: 4096)
        let started = names.compactMap { name -> (id: String, started: String)? in
            switch firstEventTime(runs + "/" + name + "/journal.jsonl", buffer: &buffer) {
            case .missing: nil
            case .time(let time): (name, time)
            case .unreadable: (name, "")
            }
        }
        return started.sorted { ($0.started, $0.id) < ($1.started, $1.id) }.map(\.id)
    }

    /// The runs folder as a path: listing a thousand runs builds paths by hand, since each
    /// `URL.appending` parses and encodes the whole URL again.
    static func runsPath(_ workspace: URL) -> String {
        let path = runsDirectory(workspace).path
        return path.hasSuffix("/") ? String(path.dropLast()) : path
    }

    private enum FirstEvent { case missing, unreadable, time(String) }

    /// The `time` of a journal's first line (ISO 8601 UTC, so it sorts as text), read from its
    /// first few kilobytes only.
    private static func firstEventTime(_ journal: String, buffer: inout [UInt8]) -> FirstEvent {
        let fd = open(journal, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return errno == ENOENT || errno == ENOTDIR ? .missing : .unreadable }
        defer { close(fd) }
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { return .unreadable }
        let head = buffer[..<count]
        let line = head.prefix { $0 != 0x0A }
        let marker = Array(#""time":""#.utf8)
        guard let start = line.indices.first(where: { line[$0...].starts(with: marker) }) else { return .unreadable }
        let value = line[(start + marker.count)...].prefix { $0 != UInt8(ascii: "\"") }
        guard value.endIndex < line.endIndex else { return .unreadable }
        return .time(String(decoding: value, as: UTF8.self))
    }
}
