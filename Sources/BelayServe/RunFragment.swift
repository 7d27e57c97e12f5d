import Belay
import BelaySupport
import Foundation

/// The live part of a run's page, rendered on the server: facts, the approval waited for, the
/// timeline as SVG, steps with outputs and logs, rollback points, gate decisions and approvals.
/// The page's script swaps it in again after each journaled event.
enum RunFragment {
    static func render(_ run: String, workspace: ServedWorkspace) async throws(APIError) -> String {
        let history = try RunReads.history(run, in: workspace)
        let points = try await RunReads.points(history)
        let state = history.state
        let holder = RunReads.holder(run: run, workspace: workspace.url)
        let query = "?workspace=\(workspace.name.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed) ?? "")"
        var html = """
            <section id="facts"><h1>Run <code>\(e(run))</code> <span id="status" class="status \(state.status.rawValue)">\(state.status.rawValue)</span></h1>
            <p>playbook <b>\(e(state.playbook ?? "?"))</b> · workspace \(e(workspace.name)) · started \(e(state.startedTime ?? "?"))\
            \(state.startedBy.map { " by \(e($0))" } ?? "") · \(holder.map { "carried on by pid \($0.pid) on \(e($0.host))" } ?? "no process is carrying it on")</p>
            """
        if let failure = state.failure {
            html += "<p class=\"failure\">failed at <b>\(e(failure.site.description))</b>: \(e(failure.error))</p>"
        }
        html += "<p class=\"actions\">"
        if holder != nil { html += "<button data-action=\"pause\">Pause</button> " }
        if holder == nil, !state.isFinished, state.status != .waitingApproval { html += "<button data-action=\"resume\">Resume</button> " }
        html += "</p></section>\n"
        if state.status == .waitingApproval, let key = state.waitingApproval, let record = state.approvals[key], record.decision == nil {
            html += """
                <section id="approval"><h2>Waiting for approval at \(e(key.description))</h2>
                <p class="question">\(e(record.message))</p>\(record.deadline.map { "<p>decided by \(e($0)) or the playbook's on_timeout applies</p>" } ?? "")
                <p><input id="approval-comment" placeholder="comment (optional)" size="40">
                <button id="approve" data-action="approve">Approve</button> <button id="reject" data-action="reject">Reject</button></p></section>
                """
        }
        html += "<section><h2>Timeline</h2>\(timeline(history.events, state: state))</section>\n"
        let logs = Set((try? FileManager.default.contentsOfDirectory(atPath: RunFolder(workspace: workspace.url, runID: run).logs.path)) ?? [])
        html += steps(state, run: run, query: query, logs: logs)
        html += pointsTable(points, state: state)
        html += decisions(state)
        return html
    }

    private static func e(_ text: String) -> String { MarkupText.escaped(text) }

    /// One bar per span, on a shared time axis from the run's start to its last moment (now while open).
    static func timeline(_ events: [JournalEvent], state: RunState) -> String {
        let spans = Timeline.spans(events)
        guard let start = state.startedAt, !spans.isEmpty else { return "<svg id=\"timeline\" width=\"900\" height=\"24\"><text x=\"4\" y=\"16\">nothing has run yet</text></svg>" }
        let now = Date()
        let ends = spans.map { $0.end.flatMap(JournalClock.parse) ?? now }
        let last = max(ends.max() ?? now, state.updatedAt ?? start)
        let total = max(last.timeIntervalSince(start), 0.001)
        let label = 230.0, width = 640.0, row = 22.0
        var svg = "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(label + width + 30))\" height=\"\(Int(Double(spans.count) * row + 26))\">"
        for (index, span) in spans.enumerated() {
            let from = (JournalClock.parse(span.start) ?? start).timeIntervalSince(start)
            let to = ends[index].timeIntervalSince(start)
            let x = label + width * from / total
            let w = max(width * (to - from) / total, 2)
            let y = Double(index) * row + 4
            let name = span.key.description + (span.kind == .step ? "" : " (\(span.kind.rawValue))")
            svg += "<text x=\"4\" y=\"\(y + 13)\">\(e(name))</text>"
            svg += "<rect class=\"bar \(span.kind.rawValue) \(span.outcome)\" data-step=\"\(e(span.key.description))\" data-kind=\"\(span.kind.rawValue)\" data-outcome=\"\(span.outcome)\" x=\"\(fmt(x))\" y=\"\(fmt(y))\" width=\"\(fmt(w))\" height=\"\(fmt(row - 6))\"><title>\(e(name)): \(span.outcome)</title></rect>"
        }
        let axis = Double(spans.count) * row + 18
        svg += "<text x=\"\(Int(label))\" y=\"\(fmt(axis))\">0s</text><text x=\"\(Int(label + width - 40))\" y=\"\(fmt(axis))\">\(DurationFormat.format(milliseconds: Int64(total * 1000)))</text></svg>"
        return svg
    }

    private static func fmt(_ value: Double) -> String { String(format: "%.1f", value) }

    /// `logs`: the names in the run's log folder, so only logs that exist are linked (an approval has none).
    private static func steps(_ state: RunState, run: String, query: String, logs: Set<String>) -> String {
        var html = "<section><h2>Steps</h2><table id=\"steps\"><thead><tr><th>phase</th><th>step</th><th>status</th><th>attempts</th><th>duration</th><th>outputs</th><th>log</th></tr></thead><tbody>"
        for phase in state.phases {
            for step in phase.steps {
                let outputs = step.outputs.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                let log = ["run", "compensate"].filter { action in
                    logs.contains { $0.hasPrefix("\(phase.id).\(step.id).\(action).") }
                }.map { action in
                    "<a href=\"/api/runs/\(e(run))/steps/\(e(phase.id))/\(e(step.id))/log\(query)&amp;action=\(action)\">\(action)</a>"
                }.joined(separator: " ")
                html += "<tr data-step=\"\(e(phase.id))/\(e(step.id))\"><td>\(e(phase.id))</td><td>\(e(step.id))</td><td class=\"status \(step.status.rawValue)\">\(step.status.rawValue)\(step.compensation == .notStarted ? "" : " · compensation \(step.compensation.rawValue)")</td><td>\(step.attempts)</td><td>\(step.durationMs.map { DurationFormat.format(milliseconds: $0) } ?? "")</td><td><code>\(e(outputs))</code></td><td>\(log)</td></tr>"
            }
        }
        return html + "</tbody></table></section>\n"
    }

    private static func pointsTable(_ points: [RunHistory.Point], state: RunState) -> String {
        var html = "<section><h2>Rollback points</h2><table id=\"points\"><thead><tr><th>point</th><th>commit</th><th>time</th><th>files changed</th><th></th><th></th></tr></thead><tbody>"
        for point in points {
            let button = state.status == .running || state.status == .compensating ? ""
                : "<button data-action=\"rollback\" data-to=\"\(e(point.name))\">roll back to here</button>"
            html += "<tr><td>\(e(point.name))</td><td><code>\(e(String(point.commit.prefix(12))))</code></td><td>\(e(point.time ?? ""))</td><td>\(point.changes.count)</td><td>\(point.undone ? "undone" : "kept")</td><td>\(button)</td></tr>"
        }
        return html + "</tbody></table></section>\n"
    }

    private static func decisions(_ state: RunState) -> String {
        var html = "<section><h2>Gate decisions</h2><table id=\"gates\"><thead><tr><th>step</th><th>decision</th><th>why</th><th>criteria</th></tr></thead><tbody>"
        for (key, gate) in state.gates.sorted(by: { $0.value.time < $1.value.time }) {
            let criteria = gate.criteria.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")
            html += "<tr><td>\(e(key.description))</td><td>\(e(gate.decision))</td><td>\(e(gate.summary ?? ""))</td><td>\(e(criteria))</td></tr>"
        }
        html += "</tbody></table><h2>Approvals</h2><table id=\"approvals\"><thead><tr><th>step</th><th>question</th><th>decision</th><th>by</th><th>comment</th><th>when</th></tr></thead><tbody>"
        for (key, record) in state.approvals.sorted(by: { $0.value.requestedTime < $1.value.requestedTime }) {
            html += "<tr><td>\(e(key.description))</td><td>\(e(record.message))</td><td>\(e(record.decision ?? "waiting"))</td><td>\(e(record.by ?? ""))</td><td>\(e(record.comment ?? record.note ?? ""))</td><td>\(e(record.decidedTime ?? ""))</td></tr>"
        }
        return html + "</tbody></table></section>\n"
    }
}
