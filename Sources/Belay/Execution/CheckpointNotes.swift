import BelaySupport

/// What a phase's gates and approvals decided, for its checkpoint commit: summary lines for the
/// message body and trailers (`Belay-Gate: <step> PROCEED`, `Belay-Approval: <step> approved by ana`).
struct CheckpointNotes: Sendable {
    var lines: [String] = []
    var details: [(String, String)] = []

    /// The point's own summary, then these lines.
    func summary(after summary: String) -> String {
        ([summary] + lines).joined(separator: "\n")
    }
}

extension SagaExecution {
    func checkpointNotes(phase id: String) -> CheckpointNotes {
        var notes = CheckpointNotes()
        guard let phase = saga.phase(id) else { return notes }
        let state = currentState
        for step in phase.steps {
            let key = RunState.StepKey(phase: id, step: step.id)
            if let gate = state.gates[key] {
                notes.details.append(("Belay-Gate", "\(step.id) \(gate.decision)"))
                notes.lines.append("")
                notes.lines.append("gate \(step.id): \(gate.decision)" + (gate.summary.map { " — \(PrintableText.escaped($0))" } ?? ""))
                for (criterion, status) in gate.criteria.sorted(by: { $0.key < $1.key }) {
                    notes.lines.append("  \(criterion): \(status)")
                }
                if let report = gate.report { notes.lines.append("  report: \(report)") }
            }
            if let approval = state.approvals[key], let decision = approval.decision {
                let who = PrintableText.escaped(approval.by ?? "unknown")
                notes.details.append(("Belay-Approval", "\(step.id) \(decision) by \(who)"))
                notes.lines.append("")
                var line = "approval \(step.id): \(decision) by \(who)"
                if let time = approval.decidedTime { line += " at \(time)" }
                if let comment = approval.comment { line += " — \"\(PrintableText.escaped(comment))\"" }
                if let note = approval.note { line += " (\(PrintableText.escaped(note)))" }
                notes.lines.append(line)
            }
        }
        return notes
    }
}
