/// The terminal report: the decision first, big and plain, then a table and the reasons.
enum TextReport {
    static func render(_ report: GateReport) -> String {
        let headline = "\(symbol(report.decision))  \(report.decision.rawValue)"
        let bar = String(repeating: "═", count: max(44, headline.count + 8))
        var out = "\(bar)\n    \(headline)\n\(bar)\n"
        out += "gate '\(report.gate)' (\(report.policyFile)): \(report.warnings) warning\(report.warnings == 1 ? "" : "s")"
        let blocking = report.blocking.count
        if blocking > 0 { out += ", \(blocking) key \(blocking == 1 ? "criterion" : "criteria") blocking" }
        out += "\n\n"

        let header = ["criterion", "value", "threshold", "status"]
        let rows = report.criteria.map { result in
            [result.id + (result.key ? " (key)" : ""), result.value?.text ?? "—", result.thresholdText,
             "\(result.symbol) \(result.status.rawValue)"]
        }
        out += table([header] + rows)

        out += "\nreasons:\n"
        for reason in report.reasons { out += "  - \(reason)\n" }
        let waived = report.criteria.filter { $0.status == .waived }
        if !waived.isEmpty {
            out += "\nwaived:\n"
            for result in waived { out += "  ~ \(result.id): \(result.message)\n" }
        }
        if !report.expiredWaivers.isEmpty {
            out += "\nexpired waivers (no longer applied):\n"
            for waiver in report.expiredWaivers {
                out += "  ! \(waiver.criterion): expired on \(waiver.expires) — \(waiver.reason)\n"
            }
        }
        out += "\nevidence:\n"
        for source in report.evidence {
            out += "  \(source.name) (\(source.kind.rawValue), \(source.files.count) file\(source.files.count == 1 ? "" : "s")): "
            switch source.state {
            case .ok(let metrics):
                out += metrics.values.sorted { $0.key < $1.key }.map { "\($0.key)=\(formatNumber($0.value))" }
                    .joined(separator: " ") + "\n"
            case .missing(let reason): out += "missing — \(reason)\n"
            case .unreadable(let reason): out += "unreadable — \(reason)\n"
            }
        }
        return out
    }

    static func symbol(_ decision: Decision) -> String {
        switch decision {
        case .proceed: "✓"
        case .conditionalProceed: "⚠"
        case .block: "✗"
        }
    }

    private static func table(_ rows: [[String]]) -> String {
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        var out = ""
        for (index, row) in rows.enumerated() {
            out += "  " + row.enumerated().map { i, cell in
                i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
            }.joined(separator: "  ") + "\n"
            if index == 0 { out += "  " + widths.map { String(repeating: "─", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out
    }
}
