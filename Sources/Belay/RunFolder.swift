import Foundation

/// Where a workspace keeps Belay's state (DESIGN §3): `.belay/runs/<run>/{playbook.yml,journal.jsonl,logs/}`.
public struct RunFolder: Sendable, Hashable {
    public let workspace: URL
    public let runID: String

    public init(workspace: URL, runID: String) {
        self.workspace = workspace
        self.runID = runID
    }

    public static func belayDirectory(_ workspace: URL) -> URL { workspace.appendingPathComponent(".belay") }
    public static func runsDirectory(_ workspace: URL) -> URL { belayDirectory(workspace).appendingPathComponent("runs") }

    public var url: URL { RunFolder.runsDirectory(workspace).appendingPathComponent(runID) }
    public var journal: URL { url.appendingPathComponent("journal.jsonl") }
    public var playbook: URL { url.appendingPathComponent("playbook.yml") }
    public var logs: URL { url.appendingPathComponent("logs") }
    /// Scratch files (step output files) that are removed once read.
    var scratch: URL { url.appendingPathComponent("tmp") }

    /// `logs/<phase>.<step>.<action>.<attempt>.log`, relative to the workspace (as journaled).
    func logPath(phase: String, step: String, action: String, attempt: Int) -> String {
        ".belay/runs/\(runID)/logs/\(phase).\(step).\(action).\(attempt).log"
    }

    /// Ids of the runs recorded in a workspace, oldest first (run ids sort by start time).
    public static func runIDs(in workspace: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: runsDirectory(workspace).path)) ?? []
        return names.filter { name in
            FileManager.default.fileExists(atPath: runsDirectory(workspace).appendingPathComponent(name)
                .appendingPathComponent("journal.jsonl").path)
        }.sorted()
    }

    /// The state of a recorded run, folded from its journal.
    public func state() throws -> RunState {
        guard FileManager.default.fileExists(atPath: journal.path) else {
            throw EngineError(.unknownRun, "no run '\(runID)' in \(workspace.path) (see `belay runs`)")
        }
        return try RunState.load(journal: journal)
    }
}
