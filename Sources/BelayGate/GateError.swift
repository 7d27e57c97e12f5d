import BelaySupport

/// A gate could not be evaluated as asked: the evidence given in place of the policy's own globs
/// contradicts the policy. (Policy file problems are `DiagnosticsError`s with locations.)
///
/// The error carries data, not advice: a front end names its own options (the CLI's `--junit`,
/// `--evidence`) when it explains one.
public struct GateError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// Files for one kind of evidence when the policy has no source of that kind, or several.
        case ambiguousOverride
        /// Files for a source the policy does not declare, or a malformed `SOURCE=GLOB`.
        case unknownSource
    }

    /// What exactly does not fit.
    public enum Problem: Sendable, Hashable {
        /// Files of `kind` were given, but the policy declares `sources` of that kind (none or several).
        case kindNotSingle(EvidenceKind, sources: [String])
        /// Files were given for a source the policy does not declare.
        case unknownSource(String, suggestion: String?, declared: [String])
        /// `SOURCE=GLOB` was expected.
        case malformedAssignment(String)
    }

    public var code: Code
    public var problem: Problem

    public init(_ code: Code, _ problem: Problem) {
        self.code = code
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .kindNotSingle(let kind, let sources) where sources.isEmpty:
            "\(kind.rawValue) files were given but the policy has no \(kind.rawValue) source; declare one under inputs:"
        case .kindNotSingle(let kind, let sources):
            "\(kind.rawValue) files are ambiguous: the policy has \(sources.count) \(kind.rawValue) sources "
                + "(\(sources.joined(separator: ", "))); name the source"
        case .unknownSource(let name, let suggestion, let declared):
            "no source '\(name)' in the policy" + (suggestion.map { " (did you mean '\($0)'?)" } ?? "")
                + "; the policy declares: \(declared.joined(separator: ", "))"
        case .malformedAssignment(let text):
            "expected SOURCE=GLOB, got '\(text)'"
        }
    }
}
