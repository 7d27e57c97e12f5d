import ArgumentParser

/// `--var name=value` on `resume` and `rollback`: the values of secret variables, which are never
/// written down, so a later process must be given them again (or find `BELAY_VAR_<NAME>` set).
struct SecretVarInput: ParsableArguments {
    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Give a secret variable's value again (secrets are never journaled).", valueName: "name=value"))
    var vars: [String] = []

    func validate() throws {
        for assignment in vars where !assignment.contains("=") || assignment.hasPrefix("=") {
            throw ValidationError("--var takes name=value, got '\(assignment)'")
        }
    }

    var values: [String: String] {
        Dictionary(
            vars.map { assignment in
                let parts = assignment.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
            }, uniquingKeysWith: { _, last in last })
    }
}
