import BelaySupport
import Foundation

/// The JSON form of a diagnostics report, shared by commands that validate files.
enum DiagnosticsJSON {
    static func object(_ diagnostic: Diagnostic) -> [String: Any] {
        [
            "file": diagnostic.location.file, "line": diagnostic.location.line,
            "column": diagnostic.location.column, "severity": diagnostic.severity.rawValue,
            "message": diagnostic.message, "hint": diagnostic.hint ?? NSNull(),
        ]
    }

    static func report(file: String, valid: Bool, diagnostics: [Diagnostic]) throws -> String {
        try encode(["file": file, "valid": valid, "diagnostics": diagnostics.map(object)])
    }

    static func encode(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(
            withJSONObject: value, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }
}
