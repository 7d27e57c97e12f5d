import Belay
import BelaySupport
import Foundation

/// `belay report --format html`: one self-contained page (inline CSS, an SVG timeline, no script,
/// nothing fetched), to keep as a CI artifact.
enum RunHTMLReport {
    static func render(_ report: RunReport) -> String {
        let state = report.state
        var body = "<h1>Run \(escape(report.runID)) <span class=\"status \(escape(state.status.rawValue))\">"
            + "\(escape(state.status.rawValue))</span></h1>\n<dl class=\"facts\">"
        for (name, value) in report.facts { body += "<dt>\(escape(name))</dt><dd>\(escape(value))</dd>" }
        body += "</dl>\n<h2>Timeline</h2>\n" + timeline(report)
        body += "\n<h2>Steps</h2>\n" + steps(report)
        if !report.gates.isEmpty {
            body += "\n<h2>Gate decisions</h2>\n" + table(
                ["step", "decision", "summary", "criteria"],
                report.gates.map { key, gate in
                    [key.description, gate.decision, gate.summary ?? "",
                     gate.criteria.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", ")]
                }, id: "gates")
        }
        if !report.approvals.isEmpty {
            body += "\n<h2>Approvals</h2>\n" + table(
                ["step", "question", "decision", "by", "comment", "when"],
                report.approvals.map { key, approval in
                    [key.description, approval.message, approval.decision ?? "waiting", approval.by ?? approval.note ?? "",
                     approval.comment ?? "", approval.decidedTime ?? "asked \(approval.requestedTime)"]
                }, id: "approvals")
        }
        body += "\n<h2>Rollback points</h2>\n" + table(
            ["point", "commit", "recorded", "files changed", "state"],
            report.points.map { point in
                [point.name, String(point.commit.prefix(10)), point.time ?? "", String(point.changes.count),
                 point.undone ? "undone" : "kept"]
            }, id: "points")
        if !report.state.warnings.isEmpty {
            body += "\n<h2>Warnings</h2>\n<ul id=\"warnings\">" + report.state.warnings.map { "<li>\(escape($0))</li>" }.joined() + "</ul>"
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Belay run \(escape(report.runID))</title>
            <style>\(style)</style></head>
            <body>
            \(body)
            <p class="foot">Written by belay report from the run's journal.</p>
            </body></html>

            """
    }

    private static let style = """
        body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#1d232a;padding:0 1em}
        h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.8em;border-bottom:1px solid #dde;padding-bottom:.2em}
        .status{font-size:.7em;padding:.15em .6em;border-radius:1em;background:#eef;vertical-align:middle}
        .completed,.rolled_back,.compensated{background:#dcf5e3}.failed,.stuck{background:#fbdcdc}
        .paused,.waiting_approval,.running,.compensating{background:#fff1c9}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}dt{color:#667}dd{margin:0}
        table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3em .6em;border-bottom:1px solid #eef;vertical-align:top}
        th{color:#667;font-weight:600}td.out{font-family:ui-monospace,monospace;font-size:.9em;word-break:break-all}
        svg text{font:12px system-ui,sans-serif;fill:#1d232a}svg .axis{fill:#889}svg .phase{font-weight:600}
        .foot{color:#889;font-size:.85em;margin-top:2em}
        """

    /// Colour of a bar by its outcome.
    private static func color(_ span: RunReport.Span) -> String {
        switch span.outcome {
        case "succeeded", "approved": "#3fa65a"
        case "compensated": "#5b8def"
        case "warning", "running": "#e0a82e"
        default: "#d64545"
        }
    }

    /// One row per step (and per compensation, per approval wait), bars placed on a time axis.
    static func timeline(_ report: RunReport) -> String {
        let labelWidth = 230.0, chart = 700.0, row = 22.0
        let rows = report.spans
        let height = Double(rows.count) * row + 58
        let scale = chart / max(report.length, 0.001)
        var svg = "<svg id=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" "
            + "aria-label=\"timeline of run \(escape(report.runID))\" viewBox=\"0 0 \(Int(labelWidth + chart + 20)) \(Int(height))\" "
            + "width=\"100%\">"
        for tick in 0...4 {
            let x = labelWidth + chart * Double(tick) / 4
            svg += "<line x1=\"\(x)\" y1=\"0\" x2=\"\(x)\" y2=\"\(height - 22)\" stroke=\"#eef\"/>"
            svg += "<text class=\"axis\" x=\"\(x)\" y=\"\(height - 6)\" text-anchor=\"middle\">"
                + "\(RunReport.seconds(report.length * Double(tick) / 4))</text>"
        }
        for mark in report.pointTimes {
            let x = labelWidth + mark.at * scale
            svg += "<line class=\"point\" x1=\"\(x)\" y1=\"14\" x2=\"\(x)\" y2=\"\(height - 22)\" stroke=\"#8a63d2\" stroke-dasharray=\"3 3\"/>"
            svg += "<text class=\"point\" x=\"\(x + 3)\" y=\"11\" fill=\"#8a63d2\">⚑ \(escape(mark.name))</text>"
        }
        for (index, span) in rows.enumerated() {
            let y = Double(index) * row + 20
            let label = span.kind == .step ? span.key : "\(span.key) (\(span.kind.rawValue))"
            let x = labelWidth + span.start * scale
            let width = max(2, (span.end - span.start) * scale)
            let tip = "\(label): \(span.outcome), \(RunReport.seconds(span.end - span.start))"
            svg += "<text x=\"\(labelWidth - 8)\" y=\"\(y + 14)\" text-anchor=\"end\">\(escape(label))</text>"
            svg += "<rect class=\"bar \(span.kind.rawValue)\" data-step=\"\(escape(span.key))\" data-outcome=\"\(escape(span.outcome))\" "
                + "x=\"\(x)\" y=\"\(y + 2)\" width=\"\(width)\" height=\"\(row - 8)\" rx=\"3\" fill=\"\(color(span))\""
                + (span.kind == .step ? "" : " fill-opacity=\"0.75\"") + "><title>\(escape(tip))</title></rect>"
        }
        return svg + "</svg>"
    }

    private static func steps(_ report: RunReport) -> String {
        table(
            ["phase", "step", "status", "attempts", "duration", "outputs", "detail"],
            report.state.phases.flatMap { phase in
                phase.steps.map { step in
                    var detail = step.error ?? ""
                    if step.compensation != .notStarted { detail += (detail.isEmpty ? "" : "; ") + "compensation \(step.compensation.rawValue)" }
                    if let note = step.resolvedNote { detail += "; resolved by \(step.resolvedBy ?? "someone"): \(note)" }
                    return [phase.id, step.id, step.status.rawValue, String(step.attempts), RunReport.duration(step.durationMs),
                            RunReport.outputs(step), detail]
                }
            }, id: "steps", monospaced: [5])
    }

    private static func table(_ head: [String], _ rows: [[String]], id: String, monospaced: Set<Int> = []) -> String {
        var html = "<table id=\"\(id)\"><thead><tr>" + head.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        for row in rows {
            html += "<tr>" + row.enumerated().map { index, cell in
                "<td\(monospaced.contains(index) ? " class=\"out\"" : "")>\(escape(cell))</td>"
            }.joined() + "</tr>"
        }
        return html + "</tbody></table>"
    }

    static func escape(_ text: String) -> String { MarkupText.escaped(text) }
}
