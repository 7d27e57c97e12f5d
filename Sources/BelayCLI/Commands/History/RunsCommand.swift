import ArgumentParser
import Belay
import BelaySupport
import Foundation

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs of a workspace, oldest first.",
        discussion: """
            One line per run: id, playbook, status, start time (UTC) and duration, read from each \
            run's journal. --json prints an array of {"run", "playbook", "status", "started", \
            "duration_ms"}.

            Examples:
              belay runs
              belay runs --workspace playbooks/quickstart
              belay runs --json | jq -r '.[] | select(.status == "stuck") | .run'
            """
    )

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print the runs as a JSON array.")
    var json = false

    struct Row {
        var run: String
        var playbook: String?
        var status: String
        var started: String?
        var durationMs: Int64?

        var json: JSONText {
            .object([
                ("run", .string(run)), ("playbook", .optional(playbook)), ("status", .string(status)),
                ("started", .optional(started)), ("duration_ms", .optional(durationMs)),
            ])
        }
    }

    func run() throws {
        let workspaceURL = workspace.url
        let engine = try workspace.engine()
        let rows = engine.runIDs().map { id -> Row in
            guard let state = try? engine.state(of: id) else {
                return Row(run: id, playbook: nil, status: "unreadable", started: nil, durationMs: nil)
            }
            return Row(
                run: id, playbook: state.playbook, status: state.status.rawValue,
                started: state.startedAt.map(JournalClock.format), durationMs: state.durationMs)
        }
        if json {
            Terminal.print(JSONText.array(rows.map(\.json)).rendered(pretty: true))
            return
        }
        guard !rows.isEmpty else {
            Terminal.print("No runs in \(workspaceURL.path).")
            return
        }
        let width = (rows.map(\.run.count).max() ?? 0, rows.map { ($0.playbook ?? "?").count }.max() ?? 0)
        for row in rows {
            let duration = row.durationMs.map { DurationFormat.format(milliseconds: $0) } ?? "–"
            Terminal.print(
                pad(row.run, width.0) + "  " + pad(row.playbook ?? "?", width.1) + "  " + pad(row.status, 12)
                    + "  " + (row.started ?? "–") + "  " + duration)
        }
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
