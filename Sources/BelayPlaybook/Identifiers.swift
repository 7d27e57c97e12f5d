import BelayModel
/// The spelling rules for names a playbook defines, in one place so the loader, the validator and the
/// docs agree.
enum Identifier {
    /// Phase and step ids: `[a-z0-9][a-z0-9_-]*`. They end up in git ref names, file names and
    /// `{{ steps.<phase>.<step>.<key> }}`, so they are kept to characters that are safe in all three.
    static func isValidID(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isLowerAlnum(first) else { return false }
        return text.unicodeScalars.allSatisfy { isLowerAlnum($0) || $0 == "_" || $0 == "-" }
    }

    /// Environment variable names as POSIX shells accept them: `[A-Za-z_][A-Za-z0-9_]*`.
    static func isEnvironmentName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isLetter(first) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "_" }
    }

    /// Variable names: `[A-Za-z_][A-Za-z0-9_-]*`, so that `BELAY_VAR_<NAME>` is a valid environment name
    /// and `{{ vars.<name> }}` parses.
    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, isLetter(first) || first == "_" else { return false }
        return text.unicodeScalars.allSatisfy { isLetter($0) || isDigit($0) || $0 == "_" || $0 == "-" }
    }

    /// `BELAY_VAR_<NAME>`: upper-cased, `-` becomes `_` (docs/playbooks.md).
    static func environmentName(ofVariable name: String) -> String {
        "BELAY_VAR_" + name.uppercased().replacing("-", with: "_")
    }

    /// Rollback point names that a phase id may not take.
    static let reservedPhaseIDs: Set<String> = ["start"]

    private static func isLowerAlnum(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || isDigit(c) }
    private static func isLetter(_ c: Unicode.Scalar) -> Bool { ("a"..."z").contains(c) || ("A"..."Z").contains(c) }
    private static func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
}
