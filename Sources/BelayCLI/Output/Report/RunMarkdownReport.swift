import Belay

/// `belay report --format markdown`: the run for a CI job summary (GitHub's `$GITHUB_STEP_SUMMARY`,
/// GitLab's and others' Markdown panes): facts, a text timeline, steps, gates, approvals, points.
enum RunMarkdownReport {
    static func render(_ report: RunReport) -> String {
        let status = report.facts[0].1
        var lines = ["## Belay run `\(report.runID)`: \(mark(report.state.status)) \(status)", ""]
        lines += report.facts.dropFirst().map { "- **\($0.0)**: \(cell($0.1))" }
        lines += ["", "### Timeline", "", "| from | to | what | outcome |", "| --- | --- | --- | --- |"]
        lines += report.spans.map { span in
            let what = span.kind == .step ? span.key : "\(span.key) (\(span.kind.rawValue))"
            return "| +\(RunReport.seconds(span.start)) | +\(RunReport.seconds(span.end)) | `\(what)` | \(span.outcome) |"
        }
        lines += ["", "### Steps", "", "| phase | step | status | attempts | duration | outputs | detail |",
                  "| --- | --- | --- | --- | --- | --- | --- |"]
        for phase in report.state.phases {
            for step in phase.steps {
                let outputs = RunReport.outputs(step)
                lines.append("| \(cell(phase.id)) | \(cell(step.id)) | \(step.status.rawValue) | \(step.attempts) | "
                    + "\(RunReport.duration(step.durationMs)) | \(outputs.isEmpty ? "" : "`\(cell(outputs))`") | \(cell(step.error ?? "")) |")
            }
        }
        if !report.gates.isEmpty {
            lines += ["", "### Gate decisions", "", "| step | decision | summary |", "| --- | --- | --- |"]
            lines += report.gates.map { "| \(cell($0.key.description)) | **\($0.record.decision)** | \(cell($0.record.summary ?? "")) |" }
        }
        if !report.approvals.isEmpty {
            lines += ["", "### Approvals", "", "| step | decision | by | comment |", "| --- | --- | --- | --- |"]
            lines += report.approvals.map { key, approval in
                "| \(cell(key.description)) | \(approval.decision ?? "waiting") | \(cell(approval.by ?? approval.note ?? "")) | "
                    + "\(cell(approval.comment ?? "")) |"
            }
        }
        lines += ["", "### Rollback points", "", "| point | commit | files changed | state |", "| --- | --- | --- | --- |"]
        lines += report.points.map {
            "| \(cell($0.name)) | `\($0.commit.prefix(10))` | \($0.changes.count) | \($0.undone ? "undone" : "kept") |"
        }
        if !report.state.warnings.isEmpty {
            lines += ["", "### Warnings", ""] + report.state.warnings.map { "- \(cell($0))" }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func mark(_ status: RunState.Status) -> String {
        switch status {
        case .completed, .rolledBack, .compensated: "✅"
        case .failed, .stuck: "❌"
        default: "⏳"
        }
    }

    /// Text safe in a table cell: no pipe, no line break.
    private static func cell(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
    }
}
