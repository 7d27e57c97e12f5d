import BelaySupport
import Foundation
import Yams

/// Gives every var its effective value, in order of precedence: the playbook's default, the chosen
/// environment, each vars file (a later one wins), then overrides; and merges the environment's env
/// and secrets. Every source may only set declared vars: a misspelt name would otherwise be ignored
/// without a word and the run would use the default.
struct VariableResolver {
    let reader: YAMLReader
    let draft: PlaybookDraft
    /// Diagnostics found in vars files (the playbook's own go to `reader`).
    private(set) var fileDiagnostics: [Diagnostic] = []

    init(reader: YAMLReader, draft: PlaybookDraft) {
        self.reader = reader
        self.draft = draft
    }

    private var declared: [String] { draft.playbook.vars.map(\.name) }

    /// The playbook with its values resolved. `sources` is nil when only checking the file: a var
    /// set nowhere is then a warning, since a run may still set it.
    mutating func resolve(_ sources: VariableSources?) -> Playbook {
        checkEnvironmentVariables()
        guard let sources else {
            warnUnsetVariables()
            return draft.playbook
        }
        var playbook = draft.playbook
        var origins: [String: VariableOrigin] = [:]
        for variable in playbook.vars where !draft.unsetVariables.contains(variable.name) {
            origins[variable.name] = .playbook
        }
        func set(_ name: String, _ value: String, _ origin: VariableOrigin) {
            guard let index = playbook.vars.firstIndex(where: { $0.name == name }) else { return }
            playbook.vars[index].value = value
            playbook.vars[index].hasValue = true
            origins[name] = origin
        }

        var envOrigins = Dictionary(playbook.env.map { ($0.name, VariableOrigin.playbook) }, uniquingKeysWith: { a, _ in a })
        var choiceFailed = false
        if let name = sources.environment {
            choiceFailed = draft.playbook.environment(named: name) == nil
            if let environment = chooseEnvironment(name, label: sources.labels.environment) {
                for variable in environment.vars { set(variable.name, variable.value, .environment(name)) }
                for entry in environment.env {
                    if let index = playbook.env.firstIndex(where: { $0.name == entry.name }) {
                        playbook.env[index].value = entry.value
                    } else {
                        playbook.env.append(entry)
                    }
                    envOrigins[entry.name] = .environment(name)
                }
                for secret in environment.secrets where !playbook.secrets.contains(secret) { playbook.secrets.append(secret) }
                playbook.resolution.environment = name
            }
        }
        for path in sources.files {
            for (name, value) in readVarsFile(path) { set(name, value, .file(path)) }
        }
        for variable in draft.playbook.vars where variable.secret {
            let name = Identifier.environmentName(ofVariable: variable.name)
            if let value = sources.processEnvironment[name], !value.isEmpty { set(variable.name, value, .processEnvironment(name)) }
        }
        for name in sources.overrides.keys.sorted() {
            guard declared.contains(name) else {
                reader.error(
                    "\(sources.labels.override) \(name) sets a variable the playbook does not declare", at: draft.varsAnchor,
                    hint: Suggestion.hint(for: name, among: declared) ?? "declare it under vars: with a default value")
                continue
            }
            set(name, sources.overrides[name] ?? "", .override)
        }
        // Once the environment choice is wrong, what it would have set is unknown: say that alone.
        // A secret given nowhere is refused when a run needs it, naming where to give it.
        for variable in draft.playbook.vars where origins[variable.name] == nil && !choiceFailed && !variable.secret {
            let setters = environments(setting: variable.name)
            reader.error(
                "variable '\(variable.name)' is set nowhere", at: draft.variableNodes[variable.name] ?? draft.varsAnchor,
                hint: "it has no default; set it with \(sources.labels.environment)"
                    + (setters.isEmpty ? "" : " (environments that set it: \(setters.joined(separator: ", ")))")
                    + ", \(sources.labels.file) or \(sources.labels.override) \(variable.name)=VALUE")
        }
        playbook.resolution.origins = origins
        playbook.resolution.envOrigins = envOrigins
        return playbook
    }

    // MARK: Checks

    /// An environment may only set declared vars.
    private func checkEnvironmentVariables() {
        for (environment, source) in zip(draft.playbook.environments, draft.environments) {
            for variable in environment.vars where !declared.contains(variable.name) {
                reader.error(
                    "environment '\(environment.name)' sets variable '\(variable.name)', which the playbook does not declare",
                    at: source.variableNodes[variable.name] ?? source.nameNode,
                    hint: Suggestion.hint(for: variable.name, among: declared) ?? "declare it under the playbook's vars:")
            }
        }
    }

    private func warnUnsetVariables() {
        for name in declared where draft.unsetVariables.contains(name) {
            let setters = environments(setting: name)
            let missing = draft.playbook.environments.map(\.name).filter { !setters.contains($0) }
            let node = draft.variableNodes[name] ?? draft.varsAnchor
            if setters.isEmpty {
                reader.warning(
                    "variable '\(name)' has no default and no environment sets it", at: node,
                    hint: "every run must set it from outside the playbook (a vars file or an override)")
            } else if !missing.isEmpty {
                reader.warning(
                    "variable '\(name)' has no default and environment\(missing.count == 1 ? "" : "s") "
                        + "\(missing.joined(separator: ", ")) do\(missing.count == 1 ? "es" : "") not set it", at: node,
                    hint: "a run in \(missing.count == 1 ? "that environment" : "those environments") must set it from outside the playbook")
            }
        }
    }

    private func environments(setting name: String) -> [String] {
        draft.playbook.environments.filter { $0.vars.contains { $0.name == name } }.map(\.name)
    }

    private func chooseEnvironment(_ name: String, label: String) -> PlaybookEnvironment? {
        if let environment = draft.playbook.environment(named: name) { return environment }
        let names = draft.playbook.environments.map(\.name)
        reader.error(
            names.isEmpty
                ? "\(label) \(name) chooses an environment, but the playbook defines none"
                : "\(label) \(name) names no environment of the playbook",
            at: draft.environmentsAnchor,
            hint: names.isEmpty
                ? "add environments: { \(name): { vars: { ... } } }, or leave out \(label)"
                : Suggestion.hint(for: name, among: names) ?? "environments: \(names.joined(separator: ", "))")
        return nil
    }

    // MARK: Vars files

    /// The name/value pairs of a vars file (a YAML mapping of var names to values), each checked
    /// against the declared vars; problems are located in that file.
    private mutating func readVarsFile(_ path: String) -> [(String, String)] {
        let text: String
        do { text = try PlaybookLoader.read(path, what: "vars") } catch {
            fileDiagnostics += error.diagnostics
            return []
        }
        let fileReader = YAMLReader(file: path, text: text)
        defer { fileDiagnostics += fileReader.diagnostics }
        guard let root = fileReader.root(), !fileReader.isNull(root) else { return [] }
        guard let entries = fileReader.stringMap(root, "the vars file") else { return [] }
        var values: [(String, String)] = []
        for entry in entries {
            guard declared.contains(entry.key) else {
                fileReader.error(
                    "the vars file sets variable '\(entry.key)', which the playbook does not declare", at: entry.node,
                    hint: Suggestion.hint(for: entry.key, among: declared) ?? "declared vars: \(declared.joined(separator: ", "))")
                continue
            }
            values.append((entry.key, entry.value))
        }
        return values
    }
}
