import BelayGate

/// The words `belay gate` prints when its evidence options contradict the policy: the gate's plain
/// description in terms of this command's flags.
enum GateErrorText {
    static func text(for error: any Error) -> String {
        guard let error = error as? GateError else { return "\(error)" }
        switch error.problem {
        case .kindNotSingle(let kind, let sources) where sources.isEmpty:
            return "\(flag(kind)) was given but the policy has no \(kind.rawValue) source; declare one under inputs:"
        case .kindNotSingle(let kind, let sources):
            return "\(flag(kind)) is ambiguous: the policy has \(sources.count) \(kind.rawValue) sources "
                + "(\(sources.joined(separator: ", "))); use --evidence SOURCE=GLOB"
        case .unknownSource(let name, let suggestion, let declared):
            return "--evidence names unknown source '\(name)'" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; the policy declares: \(declared.joined(separator: ", "))"
        case .malformedAssignment(let text):
            return "--evidence expects SOURCE=GLOB, got '\(text)'"
        }
    }

    /// The option that gives files of one kind of evidence.
    static func flag(_ kind: EvidenceKind) -> String { kind == .json ? "--metrics" : "--\(kind.rawValue)" }
}
