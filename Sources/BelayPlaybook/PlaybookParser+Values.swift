import BelayModel
import BelaySupport
import Yams

/// The single values of a playbook, each read and checked where it stands: strings, durations,
/// choices, ids and environment names.
extension PlaybookParser {

    func nonEmptyString(_ node: Node, _ what: String) -> String? {
        guard let text = reader.string(node, what) else { return nil }
        if text.trimmingWhitespace().isEmpty {
            reader.error("\(what) is empty", at: node)
            return nil
        }
        return text
    }

    func positiveDuration(_ node: Node, _ what: String) -> Duration? {
        guard let value = reader.duration(node, what) else { return nil }
        if value <= .zero {
            reader.error("\(what) must be longer than zero", at: node, hint: "for example 30s or 5m")
            return nil
        }
        return value
    }

    func choice<T: RawRepresentable & CaseIterable>(_ node: Node, _ what: String, _: T.Type) -> T?
    where T.RawValue == String {
        guard let text = reader.string(node, what) else { return nil }
        if let value = T(rawValue: text) { return value }
        let names = T.allCases.map(\.rawValue)
        let suggestion = Suggestion.closest(to: text, among: names)
        reader.error(
            "\(what) must be one of \(names.joined(separator: ", ")), found '\(text)'", at: node,
            hint: suggestion.map { "did you mean '\($0)'?" })
        return nil
    }

    func mapping(_ node: Node, _ what: String) -> [(key: String, value: String, node: Node)] {
        if reader.isNull(node) { return [] }
        return reader.stringMap(node, what) ?? []
    }

    @discardableResult
    func checkID(_ id: String, at node: Node, what: String) -> Bool {
        guard Identifier.isValidID(id) else {
            let lowered = id.lowercased().map { $0 == " " || $0 == "." ? "-" : $0 }
            let fixed = String(lowered)
            reader.error(
                "\(what) '\(id)' is not valid", at: node,
                hint: "use lower-case letters, digits, '-' and '_', starting with a letter or digit"
                    + (Identifier.isValidID(fixed) ? " (for example '\(fixed)')" : ""))
            return false
        }
        return true
    }

    /// `env:` values are templated like commands, with `{{ vars.NAME }}` only (no step has run when
    /// the environment is built).
    func checkEnvironmentTemplate(_ value: String, of name: String, at node: Node, variables: [String]) {
        let template = Template(value)
        for (text, _) in template.invalidPlaceholders {
            reader.error("malformed placeholder \(text) in env \(name)", at: node, hint: "write {{ vars.NAME }}")
        }
        for (reference, _) in template.references {
            switch reference {
            case .variable(let variable) where !variables.contains(variable):
                reader.error(
                    "unknown variable '\(variable)' in env \(name)", at: node,
                    hint: Suggestion.hint(for: variable, among: variables) ?? "declare it under vars:")
            case .variable:
                break
            case .stepOutput:
                reader.error(
                    "env \(name) refers to a step's output; env values may use {{ vars.NAME }} only", at: node,
                    hint: "use $BELAY_OUT_<KEY> inside the step's command, or {{ steps.PHASE.STEP.KEY }} in the command")
            }
        }
    }

    func checkEnvironmentName(_ name: String, at node: Node, what: String) {
        guard !Identifier.isEnvironmentName(name) else { return }
        reader.error(
            "\(what) name '\(name)' is not a valid environment variable name", at: node,
            hint: "use letters, digits and '_', starting with a letter or '_' (for example DB_PASSWORD)")
    }

    /// The `id:` of a mapping, read without reporting anything, to name it in messages.
    func peekID(_ node: Node) -> String? {
        guard case .mapping(let mapping) = node else { return nil }
        for (key, value) in mapping where key.string == "id" {
            if case .scalar(let scalar) = value, !reader.isNull(value) { return scalar.string }
        }
        return nil
    }
}
