import Belay
import BelaySupport

/// What a step produced and what was decided at it: its outputs (masked in the journal already),
/// an approval's question, answer, approver and comment, a gate's decision and the criteria behind
/// it. For `inspect`, in text and JSON.
enum StepDecisions {
    static func lines(_ key: RunState.StepKey, step: RunState.StepState, state: RunState, indent: String = "      ") -> [String] {
        var lines: [String] = []
        for (name, value) in step.outputs.sorted(by: { $0.key < $1.key }) {
            lines.append("\(indent)output \(name) = \(value)")
        }
        if let approval = state.approvals[key] {
            lines.append("\(indent)approval asked: \(approval.message)" + (approval.deadline.map { " (until \($0))" } ?? ""))
            if let decision = approval.decision {
                var text = "\(indent)\(decision) by \(approval.by ?? "?")"
                if let time = approval.decidedTime { text += " at \(time)" }
                if let comment = approval.comment { text += ": “\(comment)”" }
                if let note = approval.note { text += " (\(note))" }
                lines.append(text)
            } else {
                lines.append("\(indent)not decided yet")
            }
        }
        if let gate = state.gates[key] {
            lines.append("\(indent)gate \(gate.decision)" + (gate.summary.map { ": \($0)" } ?? ""))
            let reasons = gate.criteria.filter { $0.value != "pass" }.sorted { $0.key < $1.key }
            if !reasons.isEmpty {
                lines.append("\(indent)criteria not passed: " + reasons.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            if let report = gate.report { lines.append("\(indent)report: \(report)") }
        }
        return lines
    }

    /// The keys `inspect --json` adds to a step: "outputs", "approval", "gate".
    static func json(_ key: RunState.StepKey, step: RunState.StepState, state: RunState) -> [(String, JSONText)] {
        let approval: JSONText = state.approvals[key].map { record in
            .object([
                ("message", .string(record.message)), ("requested", .string(record.requestedTime)),
                ("deadline", .optional(record.deadline)), ("decision", .optional(record.decision)),
                ("by", .optional(record.by)), ("comment", .optional(record.comment)),
                ("decided", .optional(record.decidedTime)), ("note", .optional(record.note)),
            ])
        } ?? .null
        let gate: JSONText = state.gates[key].map { record in
            .object([
                ("decision", .string(record.decision)), ("summary", .optional(record.summary)),
                ("criteria", .object(record.criteria.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("report", .optional(record.report)),
            ])
        } ?? .null
        return [
            ("outputs", .object(step.outputs.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
            ("approval", approval), ("gate", gate),
        ]
    }
}
