import BelayModel
import BelayPlaybook
import Foundation

/// The values a plan runs with and where each came from (the playbook, the chosen environment, a
/// vars file, `--var`), so "which version goes to staging" is answered before anything runs.
/// Secrets show only as `***` and whether this shell sets them.
enum PlanValues {
    static func lines(_ playbook: Playbook, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var out: [String] = []
        if let chosen = playbook.resolution.environment { out.append("environment: \(chosen)") }
        let secrets = Set(playbook.secrets)
        if !playbook.vars.isEmpty {
            out.append("vars:")
            out += table(playbook.displayedVars.map { ($0.name, shown(ShellQuote.word($0.value)), origin(playbook.resolution.origins[$0.name])) })
        }
        if !playbook.env.isEmpty {
            out.append("env:")
            out += table(playbook.env.map {
                ($0.name, secrets.contains($0.name) ? "***" : shown(ShellQuote.word($0.value)), origin(playbook.resolution.envOrigins[$0.name]))
            })
        }
        if !playbook.secrets.isEmpty {
            out.append("secrets:")
            out += table(playbook.secrets.map {
                ($0, "***", environment[$0] == nil ? "not set in this shell" : "set in this shell")
            })
        }
        return out
    }

    /// `{"name": {"value", "from"}}` for vars and env; secrets by name, masked.
    static func json(_ playbook: Playbook, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String: Any] {
        let secrets = Set(playbook.secrets)
        return [
            "environment": playbook.resolution.environment ?? NSNull(),
            "vars": Dictionary(playbook.displayedVars.map { ($0.name, ["value": $0.value, "from": origin(playbook.resolution.origins[$0.name])]) }, uniquingKeysWith: { _, last in last }),
            "env": Dictionary(playbook.env.map {
                ($0.name, ["value": secrets.contains($0.name) ? "***" : $0.value, "from": origin(playbook.resolution.envOrigins[$0.name])])
            }, uniquingKeysWith: { _, last in last }),
            "secrets": playbook.secrets.map { ["name": $0, "value": "***", "set": environment[$0] != nil] as [String: Any] },
        ]
    }

    /// Where a value came from, as the user gave it.
    static func origin(_ origin: VariableOrigin?) -> String {
        switch origin {
        case nil, .playbook?: "playbook"
        case .environment(let name)?: "environment \(name)"
        case .file(let path)?: "--vars-file \(path)"
        case .override?: "--var"
        case .processEnvironment(let name)?: "$\(name)"
        }
    }

    private static func table(_ rows: [(String, String, String)]) -> [String] {
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = min(40, rows.map(\.1.count).max() ?? 0)
        return rows.map { name, value, from in
            "  " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + " = "
                + (value.count < valueWidth ? value.padding(toLength: valueWidth, withPad: " ", startingAt: 0) : value)
                + "  (from \(from))"
        }
    }
}
