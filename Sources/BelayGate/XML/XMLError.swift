/// Why an XML evidence file could not be read, and where.
///
/// The tokenizer knows only the byte offset of a problem while it streams; the line and column are
/// worked out afterwards (by re-reading up to that offset) so the fast path never counts newlines.
public struct XMLError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        /// The bytes are not well-formed XML.
        case malformed
        /// The document declares entities or a DTD subset; refused so that nothing is ever expanded
        /// or fetched (billion laughs, XXE).
        case entityDeclaration
        /// A reference to an entity other than the five predefined ones.
        case undefinedEntity
        /// A single tag, or the nesting depth, exceeds the reader's limits.
        case limitExceeded
        /// The file is not UTF-8 (or ASCII-compatible).
        case unsupportedEncoding
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

    public init(_ code: Code, _ message: String, offset: Int, line: Int? = nil, column: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
        self.line = line
        self.column = column
    }

    public var description: String {
        if let line, let column { return "\(line):\(column): \(message)" }
        return "byte \(offset): \(message)"
    }
}
