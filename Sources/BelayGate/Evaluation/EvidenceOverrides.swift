import Foundation

/// Files given on the command line in place of a policy's own globs.
public struct EvidenceOverrides: Sendable, Hashable {
    /// What relative patterns here are resolved against (the current directory for the CLI).
    public var directory: String
    /// Patterns for a source by name.
    public var bySource: [String: [String]]
    /// Patterns for the one source of a kind.
    public var byKind: [EvidenceKind: [String]]

    public init(
        directory: String = ".", bySource: [String: [String]] = [:],
        byKind: [EvidenceKind: [String]] = [:]
    ) {
        self.directory = directory
        self.bySource = bySource
        self.byKind = byKind
    }

    public static let none = EvidenceOverrides(directory: "/")

    /// Parses `NAME=GLOB`.
    public static func parseAssignment(_ text: String) throws(GateError) -> (source: String, pattern: String) {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex, text.index(after: equals) != text.endIndex else {
            throw GateError(.unknownSource, .malformedAssignment(text))
        }
        return (String(text[..<equals]), String(text[text.index(after: equals)...]))
    }
}
