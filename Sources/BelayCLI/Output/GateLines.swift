import Belay

/// The lines `run` and `resume` print for gate and approval steps.
enum GateLines {
    static func render(_ event: JournalEvent, paint: (String, Terminal.Color) -> String) -> String? {
        let step = event.step ?? ""
        switch event.event {
        case .gateEvaluated:
            let decision = event.decision?.rawValue ?? "?"
            let color: Terminal.Color = decision == "PROCEED" ? .green : decision == "BLOCK" ? .red : .yellow
            var text = "  ⚖ \(step): gate " + paint(decision, color) + (event.note.map { " — \(shown($0))" } ?? "")
            let counts = Dictionary(grouping: (event.criteria ?? [:]).values, by: { $0 }).mapValues(\.count)
            let order = ["pass", "warn", "fail", "missing", "waived"]
            let summary = order.compactMap { status in counts[status].map { "\($0) \(status)" } }.joined(separator: ", ")
            if !summary.isEmpty { text += "\n    criteria: \(summary)" }
            if let report = event.log {
                text += "\n    report: \(report) (and .txt)"
            }
            return text
        case .approvalRequested:
            var text = "  ⏳ \(step) waits for approval: \(shown(event.note ?? ""))"
            if let deadline = event.deadline { text += paint("  (until \(deadline))", .dim) }
            return text
        case .approvalRecorded:
            let approved = event.decision == .approved
            let mark = approved ? paint("✓", .green) : paint("✗", .red)
            var text = "  \(mark) \(step) \(event.decision?.rawValue ?? "?") by \(shown(event.by ?? "?"))"
            if let comment = event.comment { text += ": \(shown(comment))" }
            if let note = event.note { text += paint("  (\(shown(note)))", .dim) }
            return text
        default:
            return nil
        }
    }
}
