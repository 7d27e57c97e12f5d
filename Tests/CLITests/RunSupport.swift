import Foundation
import Testing

/// A temporary workspace with a playbook, a trace file outside it, and helpers to run `belay`.
final class RunFixture: @unchecked Sendable {
    let root: URL
    /// The workspace (and the playbook's folder).
    let workspace: URL
    /// Outside the workspace: steps append `$BELAY_STEP:$BELAY_ACTION` here, so it survives restores.
    let trace: URL
    let playbook: URL

    init(playbook text: String) throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("belay-cli-\(UUID().uuidString)")
        workspace = root.appendingPathComponent("ws")
        trace = root.appendingPathComponent("trace.txt")
        playbook = workspace.appendingPathComponent("playbook.yml")
        try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
        try text.write(to: playbook, atomically: true, encoding: .utf8)
        try "original\n".write(to: workspace.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    typealias Result = ToolResult

    /// Runs `belay <arguments>` with TRACE (and `environment`) set, from the fixture's root. Standard
    /// input is never a terminal, so approval steps do not wait for a person in tests.
    @discardableResult
    func belay(_ arguments: [String], environment: [String: String] = [:]) throws -> Result {
        try Tool.run(belayBinary, arguments, in: root, environment: environment.merging(["TRACE": trace.path]) { given, _ in given })
    }

    /// `belay run <playbook> --run-id <id> <extra>`.
    @discardableResult
    func run(id: String = "r1", _ extra: [String] = [], environment: [String: String] = [:]) throws -> Result {
        try belay(["run", playbook.path, "--run-id", id] + extra, environment: environment)
    }

    /// The trace lines, in order.
    var traced: [String] {
        ((try? String(contentsOf: trace, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    func read(_ relative: String) -> String? {
        try? String(contentsOf: workspace.appendingPathComponent(relative), encoding: .utf8)
    }

    func exists(_ relative: String) -> Bool {
        FileManager.default.fileExists(atPath: workspace.appendingPathComponent(relative).path)
    }

    /// The journal's events as JSON objects.
    func journal(_ run: String = "r1") throws -> [[String: Any]] {
        let text = try String(
            contentsOf: workspace.appendingPathComponent(".belay/runs/\(run)/journal.jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func events(_ run: String = "r1") throws -> [String] { try journal(run).compactMap { $0["event"] as? String } }

    /// `git --git-dir <ws>/.belay/git <arguments>` (tests only: the product itself uses libgit2).
    func git(_ arguments: [String]) throws -> String {
        let gitDir = workspace.appendingPathComponent(".belay/git").path
        return try Tool.run(URL(fileURLWithPath: "/usr/bin/env"), ["git", "--git-dir", gitDir] + arguments, in: root)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// A shell snippet that appends `<step>:<action>` to the trace.
let traceLine = #"echo "$BELAY_STEP:$BELAY_ACTION" >> "$TRACE""#

/// A step (YAML, as an item of a phase's `steps:` list) that traces its run and its compensation.
/// `extra` runs after the trace line; `fields` are more keys of the step, one per line.
func tracedStep(_ id: String, run extra: String = "", compensate: String? = nil, fields: [String] = []) -> String {
    let run = traceLine + (extra.isEmpty ? "" : "; " + extra)
    let undo = compensate ?? traceLine
    var lines = ["      - id: \(id)", "        run: \(yamlQuoted(run))", "        compensate: \(yamlQuoted(undo))"]
    lines += fields.map { "        " + $0 }
    return lines.joined(separator: "\n") + "\n"
}

/// A phase (YAML, as an item of `phases:`).
func phase(_ id: String, _ extra: [String] = [], steps: String...) -> String {
    (["  - id: \(id)"] + extra.map { "    " + $0 } + ["    steps:"]).joined(separator: "\n") + "\n" + steps.joined()
}

/// A playbook with fast retries by default.
func playbookText(_ phases: String..., header: String = "") -> String {
    "name: test\n" + header + "defaults:\n  retry: { attempts: 1, delay: 10ms }\nphases:\n" + phases.joined()
}

func yamlQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
