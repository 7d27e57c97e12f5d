import BelaySupport
import Yams

/// Reading `environments:` and the two forms of a var (`name: value`, `name: { value: …, show: true }`).
extension PlaybookParser {
    /// A var's declaration: its default (nil when it has none, so a run must set it) and whether
    /// its value is shown in the run's history.
    struct VariableEntry {
        var key: String
        var value: String?
        var show: Bool
        /// Declared `{ secret: true }`: masked everywhere, never journaled.
        var secret: Bool
        var node: Node
    }

    /// The entries of `vars:`; a value may be a scalar, nothing (no default) or a mapping.
    func variableEntries(_ node: Node, _ what: String) -> [VariableEntry] {
        if reader.isNull(node) { return [] }
        guard case .mapping(let mapping) = node else {
            reader.error("\(what) must be a mapping of names to values, found \(reader.describe(node))", at: node)
            return []
        }
        var entries: [VariableEntry] = []
        for (keyNode, valueNode) in mapping {
            guard let key = reader.string(keyNode, "a key of \(what)") else { continue }
            let (value, show, secret) = variableValue(valueNode, "\(what).\(key)")
            entries.append(VariableEntry(key: key, value: value, show: show, secret: secret, node: keyNode))
        }
        return entries
    }

    /// One var's value: `1.2.0`, nothing, or `{ value: 1.2.0, show: true }` / `{ secret: true }`.
    func variableValue(_ node: Node, _ what: String) -> (value: String?, show: Bool, secret: Bool) {
        if reader.isNull(node) { return (nil, false, false) }
        guard case .mapping = node else { return (reader.string(node, what), false, false) }
        guard let fields = reader.mapping(node, what, allowed: PlaybookSchema.variable) else { return (nil, false, false) }
        var value: String?
        if let valueNode = fields["value"], !reader.isNull(valueNode) { value = reader.string(valueNode, "\(what).value") }
        let show = fields["show"].flatMap { reader.bool($0, "\(what).show") } ?? false
        let secret = fields["secret"].flatMap { reader.bool($0, "\(what).secret") } ?? false
        if secret, show {
            reader.error("\(what) is both secret and shown", at: node, hint: "a secret is never shown: drop show: true")
        }
        return (value, show, secret)
    }

    /// `environments:`, a mapping of environment names to their values.
    func environments(_ node: Node) -> [(PlaybookEnvironment, EnvironmentSource)] {
        guard case .mapping(let mapping) = node else {
            reader.error(
                "environments must be a mapping of environment names to their values, found \(reader.describe(node))",
                at: node, hint: "for example environments: { staging: { vars: { version: 1.2.0 } } }")
            return []
        }
        var result: [(PlaybookEnvironment, EnvironmentSource)] = []
        for (nameNode, body) in mapping {
            guard let name = reader.string(nameNode, "an environment name") else { continue }
            checkID(name, at: nameNode, what: "environment name")
            var environment = PlaybookEnvironment(name: name)
            var source = EnvironmentSource(nameNode: nameNode, variableNodes: [:])
            let label = "environment '\(name)'"
            if !reader.isNull(body), let fields = reader.mapping(body, label, allowed: PlaybookSchema.environment) {
                if let node = fields["description"] { environment.description = reader.string(node, "\(label) description") }
                if let node = fields["vars"] {
                    for entry in variableEntries(node, "vars of \(label)") {
                        if entry.show, let key = fields.keyNode("vars") {
                            reader.warning(
                                "show: in \(label) has no effect", at: key,
                                hint: "declare show: true where the var is declared, under the playbook's vars:")
                        }
                        guard let value = entry.value else {
                            reader.error(
                                "\(label) gives variable '\(entry.key)' no value", at: entry.node,
                                hint: "give it a value, or remove it to keep the playbook's default")
                            continue
                        }
                        environment.vars.append(Variable(entry.key, value))
                        source.variableNodes[entry.key] = entry.node
                    }
                }
                if let node = fields["env"] { environment.env = envEntries(node, "env of \(label)") }
                if let node = fields["secrets"] { environment.secrets = secrets(node) }
                if let node = fields["lock"], let lock = nonEmptyString(node, "lock of \(label)") {
                    checkID(lock, at: node, what: "lock name")
                    environment.lock = lock
                }
            }
            if result.contains(where: { $0.0.name == name }) {
                reader.error("duplicate environment '\(name)'", at: nameNode, hint: "environment names must be unique")
            }
            result.append((environment, source))
        }
        return result
    }
}
