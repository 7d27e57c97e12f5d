/// Why a JSON evidence file could not be read, and where.
///
/// Like `XMLError`, the tokenizer knows only the byte offset while it streams; the line and column
/// are worked out afterwards, so the fast path never counts newlines.
public struct JSONError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The bytes are not JSON (RFC 8259).
        case malformed
        /// The same key twice in one object: which one a reader believes is arbitrary, so neither is.
        case duplicateKey
        /// A number that is not finite (`1e999`).
        case notFinite
        /// Valid JSON, but not what the format requires there (`"results": 42` in SARIF).
        case wrongShape
        /// Nesting, a string or a single value exceeds the reader's limits.
        case limitExceeded
        /// The file could not be opened or read.
        case io
    }

    public var code: Code
    public var message: String
    /// Byte offset of the problem from the start of the input.
    public var offset: Int
    /// 1-based line and column (columns count characters), filled in once known.
    public var line: Int?
    public var column: Int?

    public init(_ code: Code, _ message: String, offset: Int) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    /// The message as a report shows it: syntax errors say the file is not JSON at all.
    public var explanation: String { code == .malformed ? "not valid JSON: \(message)" : message }

    public var description: String {
        if let line, let column { return "\(line):\(column): \(explanation)" }
        return "byte \(offset): \(explanation)"
    }
}
