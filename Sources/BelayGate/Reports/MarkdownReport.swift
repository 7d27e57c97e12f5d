/// A Markdown report for a CI job summary (for example `$GITHUB_STEP_SUMMARY`).
enum MarkdownReport {
    static func render(_ report: GateReport) -> String {
        let icon: String
        switch report.decision {
        case .proceed: icon = "🟢"
        case .conditionalProceed: icon = "🟡"
        case .block: icon = "🔴"
        }
        var out = "## \(icon) \(report.decision.rawValue) — gate `\(escape(report.gate))`\n\n"
        out += "\(report.warnings) warning\(report.warnings == 1 ? "" : "s") (proceed ≤ \(report.rule.proceedMaxWarnings), "
            + "conditional ≤ \(report.rule.conditionalMaxWarnings)).\n\n"
        out += "| Criterion | Key | Value | Threshold | Status | Message |\n|---|---|---|---|---|---|\n"
        for result in report.criteria {
            out += "| `\(escape(result.id))` | \(result.key ? "yes" : "") | \(escape(result.value?.text ?? "—")) | "
                + "\(escape(result.thresholdText)) | \(result.symbol) \(result.status.rawValue) | \(escape(result.message)) |\n"
        }
        out += "\n### Reasons\n\n"
        for reason in report.reasons { out += "- \(escape(reason))\n" }
        if !report.expiredWaivers.isEmpty {
            out += "\n### Expired waivers\n\n"
            for waiver in report.expiredWaivers {
                out += "- `\(escape(waiver.criterion))` expired on \(waiver.expires): \(escape(waiver.reason))\n"
            }
        }
        out += "\n<details><summary>Evidence</summary>\n\n"
        for source in report.evidence {
            out += "- **\(escape(source.name))** (\(source.kind.rawValue)): "
            switch source.state {
            case .ok(let metrics):
                out += metrics.values.sorted { $0.key < $1.key }.map { "\($0.key) = \(formatNumber($0.value))" }
                    .joined(separator: ", ")
            case .missing(let reason): out += "missing — \(escape(reason))"
            case .unreadable(let reason): out += "unreadable — \(escape(reason))"
            }
            out += "\n"
        }
        return out + "\n</details>\n"
    }

    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            .replacingOccurrences(of: "<", with: "&lt;")
    }
}

import Foundation
