/// A position in a source file, 1-based, as editors and compilers print it.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// One problem found in a user's file: what is wrong, exactly where, and what to do about it.
///
/// Loaders collect every diagnostic they can before giving up, so a user fixes all mistakes in one
/// pass instead of one per run.
public struct Diagnostic: Sendable, Hashable, Codable, Error, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable, Codable {
        case error, warning
    }

    public var severity: Severity
    public var location: SourceLocation
    public var message: String
    /// A suggestion for the fix, such as "did you mean 'compensate'?".
    public var hint: String?
    /// The offending line of the file, shown with a caret under the column.
    public var sourceLine: String?

    public init(
        _ severity: Severity = .error,
        at location: SourceLocation,
        _ message: String,
        hint: String? = nil,
        sourceLine: String? = nil
    ) {
        self.severity = severity
        self.location = location
        self.message = message
        self.hint = hint
        self.sourceLine = sourceLine
    }

    /// `file:line:col: error: message`, the form editors and CI annotators recognise.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// The one-line description, the source line with a caret, and the hint.
    public var rendered: String {
        var out = description
        if let sourceLine {
            let line = sourceLine.replacingTabs()
            out += "\n    \(line)\n    " + String(repeating: " ", count: max(0, location.column - 1)) + "^"
        }
        if let hint { out += "\n    hint: \(hint)" }
        return out
    }
}

/// Several diagnostics thrown together: the file could not be used as it is.
public struct DiagnosticsError: Error, Sendable, CustomStringConvertible {
    public var diagnostics: [Diagnostic]

    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }

    public var description: String { diagnostics.map(\.rendered).joined(separator: "\n") }
}

extension String {
    fileprivate func replacingTabs() -> String {
        // A tab would shift the caret; a single space keeps columns aligned.
        String(map { $0 == "\t" ? " " : $0 })
    }
}
