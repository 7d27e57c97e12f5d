import ArgumentParser
import Belay
import BelaySupport
import Foundation

struct PointsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "points",
        abstract: "List a run's rollback points: phase, commit, time, and the files changed since the point before.",
        discussion: """
            Every rollback point the run recorded (`start`, then one per completed phase), oldest \
            first, with its commit in <workspace>/.belay/git and what changed since the previous \
            point, and which captures (the playbook's `capture:`) changed. A point whose phase was undone since (by a failure's unwind or a rollback) is \
            marked "undone": you cannot roll back to it any more. Any point that is not undone is a \
            valid `belay rollback <run> --to <point>` target.

            Exit status: 0; 2 unknown run or phase, or a usage mistake.

            Examples:
              belay points 20261121-153012-a3f9
              belay points release-42 --workspace /srv/site --json | jq -r '.points[].commit'
            """
    )

    @Argument(help: ArgumentHelp("The run id (default: the latest run).", valueName: "run"))
    var runID: String?

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print the points as JSON.")
    var json = false

    func run() async throws {
        let engine = try workspace.reader()
        let (runID, _) = try RunLookup.state(run: self.runID, engine: engine)
        let points: [RunHistory.Point]
        let history: RunHistory
        var captures: [String: [CaptureComparison]] = [:]
        do {
            history = try engine.history(runID)
            points = try await history.points()
            for point in points {
                captures[point.name] = try await history.captureChanges(from: point.previous ?? point.name, to: point.name)
            }
        } catch {
            throw OperateExit.fail(error)
        }
        if json {
            Terminal.print(JSONText.object([
                ("run", .string(runID)),
                ("points", .array(points.map { point in
                    .object([
                        ("point", .string(point.name)), ("commit", .string(point.commit)), ("tree", .optional(point.tree)),
                        ("time", .optional(point.time)), ("previous", .optional(point.previous)),
                        ("undone", .bool(point.undone)), ("files", .array(point.changes.map(FileChangeTable.json))),
                        ("captures", .array((captures[point.name] ?? []).map(CaptureLines.json))),
                    ])
                })),
            ]).rendered(pretty: true))
            return
        }
        let state = history.state
        var lines = ["Rollback points of run \(runID) (playbook \(state.playbook ?? "?"), \(state.status.rawValue)"
            + (state.rolledBackTo.map { " to \($0)" } ?? "") + ")"]
        guard !points.isEmpty else {
            lines.append("  none: the run recorded no rollback point")
            Terminal.print(lines.joined(separator: "\n"))
            return
        }
        let width = points.map(\.name.count).max() ?? 0
        for point in points {
            let time = point.time.map { String($0.prefix(19)).replacingOccurrences(of: "T", with: " ") } ?? "?"
            var line = "  " + point.name + String(repeating: " ", count: width - point.name.count)
                + "  \(point.commit.prefix(10))  \(time)"
            if let previous = point.previous {
                let added = point.changes.reduce(0) { $0 + $1.linesAdded }
                let removed = point.changes.reduce(0) { $0 + $1.linesRemoved }
                line += "  \(count(point.changes.count, "file")) changed since \(previous) (+\(added) -\(removed))"
            } else {
                line += "  before the first phase"
            }
            if point.undone { line += "  [undone]" }
            if state.status == .rolledBack, state.rolledBackTo == point.name { line += "  ← rolled back here" }
            lines.append(line)
            lines += FileChangeTable.lines(point.changes, indent: "      ")
            lines += CaptureLines.pointSummary(captures[point.name] ?? [], first: point.previous == nil)
        }
        Terminal.print(lines.joined(separator: "\n"))
    }
}
