import ArgumentParser
import Belay
import BelaySupport
import Foundation

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs",
        abstract: "List the runs of a workspace, oldest first.",
        discussion: """
            One line per run, read from each run's summary (.belay/runs/<run>/summary.json, folded \
            again from the journal whenever the journal has changed since): id, playbook, environment, the vars the \
            playbook marks `show: true` (a version, a target), status, start time (UTC), duration, who \
            started it and who approved its approval steps. --json prints an array of {"run", \
            "playbook", "status", "started", "duration_ms", "environment", "vars", "by", \
            "approved_by"} ([] when there are no runs).

            Exit status: 0; 2 unknown run or phase, or a usage mistake.

            Examples:
              belay runs
              belay runs --workspace playbooks/quickstart
              belay runs --json | jq -r '.[] | select(.status == "stuck") | .run'
            """
    )

    @OptionGroup var workspace: RunWorkspace

    @Flag(help: "Print the runs as a JSON array.")
    var json = false

    func run() throws {
        let workspaceURL = workspace.url
        let (engine, shared) = try workspace.openedForReading()
        // Local journals keep a summary beside them, so a long history is not folded run by run.
        let summaries = shared == nil ? RunSummaries(workspace: engine.workspace) : nil
        let rows = engine.runIDs().map { id -> RunSummary in
            if let summaries {
                guard let summary = summaries.summary(of: id) else { return RunSummary(unreadable: id) }
                return RunSummary(run: id, summary: summary)
            }
            guard let state = try? engine.state(of: id) else { return RunSummary(unreadable: id) }
            return RunSummary(run: id, state: state)
        }
        if json {
            Terminal.print(JSONText.array(rows.map(\.json)).rendered(pretty: true))
            return
        }
        guard !rows.isEmpty else {
            Terminal.print("No runs in \(workspaceURL.path).")
            return
        }
        let table = rows.map(\.columns)
        let widths = (table.first ?? []).indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        for row in table {
            // A column no run has anything for is left out rather than shown as blank space.
            let cells = row.enumerated().filter { widths[$0.offset] > 0 }.map { column, text in
                text + String(repeating: " ", count: widths[column] - text.count)
            }
            // Only the last column's padding can trail (the first, the id, never starts blank).
            var line = cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            Terminal.print(line)
        }
    }
}
