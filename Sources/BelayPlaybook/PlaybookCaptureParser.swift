import BelayModel
import BelaySupport
import Yams

/// Reading `capture:`: a mapping of names to a command, or to `{ run, required, verify, timeout }`.
extension PlaybookParser {
    func captures(_ node: Node) -> [Capture] {
        if reader.isNull(node) { return [] }
        guard case .mapping(let mapping) = node else {
            reader.error(
                "capture must be a mapping of names to commands, found \(reader.describe(node))", at: node,
                hint: "for example capture: { schema: sqlite3 app.db .schema }")
            return []
        }
        var result: [Capture] = []
        var seen = Set<String>()
        for (keyNode, valueNode) in mapping {
            guard let name = reader.string(keyNode, "a capture name") else { continue }
            checkID(name, at: keyNode, what: "capture name")
            if !seen.insert(name).inserted {
                reader.error("duplicate capture '\(name)'", at: keyNode, hint: "capture names must be unique")
            }
            guard let capture = capture(name: name, valueNode) else { continue }
            result.append(capture)
        }
        return result
    }

    private func capture(name: String, _ node: Node) -> Capture? {
        let what = "capture.\(name)"
        guard case .mapping = node else {
            return nonEmptyString(node, what).map { Capture(name: name, command: $0) }
        }
        guard let fields = fields(node, what, allowed: PlaybookSchema.capture, required: ["run"]) else { return nil }
        var capture = Capture(name: name, command: "")
        if let node = fields["run"], let command = nonEmptyString(node, "\(what).run") { capture.command = command }
        if let node = fields["required"], let value = reader.bool(node, "\(what).required") { capture.required = value }
        if let node = fields["verify"], let text = reader.string(node, "\(what).verify") {
            if let value = Capture.Verify(rawValue: text) {
                capture.verify = value
            } else {
                reader.error(
                    "\(what).verify must be warn or strict, found '\(text)'", at: node,
                    hint: "strict: a difference after a rollback is a failure; warn (the default): a warning")
            }
        }
        if let node = fields["timeout"], let value = reader.duration(node, "\(what).timeout") {
            if value <= .zero {
                reader.error("\(what).timeout must be longer than zero", at: node, hint: "for example 30s")
            } else {
                capture.timeout = value
            }
        }
        return capture.command.isEmpty ? nil : capture
    }
}
