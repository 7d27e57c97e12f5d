/// One step of a JSON document, in order.
enum JSONToken: Equatable {
    case beginObject, endObject, beginArray, endArray
    case key(String)
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    /// The document is complete (and nothing but whitespace follows it).
    case end
}

/// A streaming, strict JSON tokenizer (RFC 8259) over a `ByteSource`.
///
/// Why not Foundation's `JSONSerialization`: it loads the whole file and builds every object
/// (a 200 MB SARIF took 18 GB), silently keeps the last of duplicate keys, and has no depth limit
/// of ours. This one holds only the keys of the objects currently open, refuses a duplicate key,
/// bounds nesting and string length, and reports the byte offset of every problem.
struct JSONTokenizer {
    private enum Expect { case value, valueOrClose, key, keyOrClose, commaOrClose, done }

    /// An open object or array. An object's keys, to refuse a duplicate: the first few sit in
    /// `openKeys` from `keyStart` on (a linear scan beats hashing, which was a fifth of the cost of
    /// reading a large SARIF log, and one shared list saves an allocation per object); a set takes
    /// over when an object grows, so a huge object stays linear overall.
    private struct Container {
        var isObject: Bool
        var keyStart: Int
        var manyKeys: Set<String>?
    }
    private static let keysScannedLinearly = 16

    private let source: ByteSource
    private let limits: JSONLimits
    private var stack: [Container] = []
    private var openKeys: [String] = []
    private var expect = Expect.value
    private var scratch: [UInt8] = []
    /// The offset where the last token returned by `next` began.
    private(set) var tokenOffset = 0

    init(_ source: ByteSource, limits: JSONLimits = .default) {
        self.source = source
        self.limits = limits
    }

    /// How many objects and arrays are open.
    var depth: Int { stack.count }

    /// The offset of the next unread byte.
    var offset: Int { source.offset }

    /// The next token; strings' text is dropped when `keepStrings` is false (keys are always kept,
    /// to catch duplicates).
    mutating func next(keepStrings: Bool = true) throws -> JSONToken {
        while true {
            try skipSpace()
            tokenOffset = source.offset
            guard let c = try source.peek() else {
                if expect == .done { return .end }
                throw JSONError(.malformed, "unexpected end of file", offset: tokenOffset)
            }
            switch expect {
            case .done:
                throw JSONError(.malformed, "unexpected '\(printable(c))' after the end of the JSON value", offset: tokenOffset)
            case .commaOrClose:
                let isObject = stack[stack.count - 1].isObject
                if c == 0x2C {  // ,
                    source.advance()
                    expect = isObject ? .key : .value
                    continue
                }
                if let close = try close(c, isObject: isObject) { return close }
                throw JSONError(.malformed, "expected ',' or '\(isObject ? "}" : "]")', found '\(printable(c))'", offset: tokenOffset)
            case .keyOrClose:
                if let close = try close(c, isObject: true) { return close }
                return try key(c)
            case .key:
                return try key(c)
            case .valueOrClose:
                if let close = try close(c, isObject: false) { return close }
                return try value(c, keepStrings: keepStrings)
            case .value:
                return try value(c, keepStrings: keepStrings)
            }
        }
    }

    /// Consumes the value whose first token is `first` (already read), keeping nothing.
    mutating func skip(from first: JSONToken) throws {
        guard first == .beginObject || first == .beginArray else { return }
        let target = depth - 1
        while depth > target { _ = try next(keepStrings: false) }
    }

    // MARK: Structure

    private mutating func close(_ c: UInt8, isObject: Bool) throws -> JSONToken? {
        guard c == (isObject ? 0x7D : 0x5D) else { return nil }  // } ]
        source.advance()
        openKeys.removeSubrange(stack.removeLast().keyStart...)
        afterValue()
        return isObject ? .endObject : .endArray
    }

    private mutating func afterValue() { expect = stack.isEmpty ? .done : .commaOrClose }

    private mutating func key(_ c: UInt8) throws -> JSONToken {
        guard c == 0x22 else { throw JSONError(.malformed, "expected a key in double quotes, found '\(printable(c))'", offset: tokenOffset) }
        let start = tokenOffset
        let name = try string(keep: true)
        guard insertKey(name) else {
            throw JSONError(.duplicateKey, "duplicate key \"\(name)\" in one object: which value counts is ambiguous", offset: start)
        }
        try skipSpace()
        guard try source.peek() == 0x3A else {  // :
            throw JSONError(.malformed, "expected ':' after the key \"\(name)\"", offset: source.offset)
        }
        source.advance()
        expect = .value
        return .key(name)
    }

    /// False when the innermost open object already has `key`.
    private mutating func insertKey(_ key: String) -> Bool {
        let top = stack.count - 1
        if stack[top].manyKeys != nil { return stack[top].manyKeys!.insert(key).inserted }
        let start = stack[top].keyStart
        if openKeys[start...].contains(key) { return false }
        openKeys.append(key)
        if openKeys.count - start > Self.keysScannedLinearly {
            stack[top].manyKeys = Set(openKeys[start...])
            openKeys.removeSubrange(start...)
        }
        return true
    }

    private mutating func value(_ c: UInt8, keepStrings: Bool) throws -> JSONToken {
        switch c {
        case 0x7B, 0x5B:  // { [
            guard stack.count < limits.maxDepth else {
                throw JSONError(.limitExceeded, "objects and arrays are nested deeper than \(limits.maxDepth) levels", offset: tokenOffset)
            }
            source.advance()
            let isObject = c == 0x7B
            stack.append(Container(isObject: isObject, keyStart: openKeys.count))
            expect = isObject ? .keyOrClose : .valueOrClose
            return isObject ? .beginObject : .beginArray
        case 0x22:
            let text = try string(keep: keepStrings)
            afterValue()
            return .string(text)
        case 0x74:
            try literal("true")
            afterValue()
            return .bool(true)
        case 0x66:
            try literal("false")
            afterValue()
            return .bool(false)
        case 0x6E:
            try literal("null")
            afterValue()
            return .null
        case 0x2D, 0x30...0x39:
            let number = try self.number()
            afterValue()
            return .number(number)
        default:
            throw JSONError(.malformed, "unexpected '\(printable(c))': expected a value", offset: tokenOffset)
        }
    }

    // MARK: Scalars

    private func skipSpace() throws {
        while let c = try source.peek(), c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { source.advance() }
    }

    private func literal(_ word: StaticString) throws {
        let start = source.offset
        for expected in UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount) {
            guard try source.peek() == expected else {
                throw JSONError(.malformed, "expected '\(word)'", offset: start)
            }
            source.advance()
        }
    }

    /// RFC 8259's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    private mutating func number() throws -> Double {
        let start = source.offset
        scratch.removeAll(keepingCapacity: true)
        func take(_ c: UInt8) { scratch.append(c); source.advance() }
        func digits() throws -> Int {
            var count = 0
            while let c = try source.peek(), c >= 0x30, c <= 0x39 {
                guard scratch.count < 1024 else { throw JSONError(.limitExceeded, "a number longer than 1024 characters", offset: start) }
                take(c)
                count += 1
            }
            return count
        }
        let malformed = JSONError(.malformed, "malformed number", offset: start)
        if try source.peek() == 0x2D { take(0x2D) }
        guard let first = try source.peek(), first >= 0x30, first <= 0x39 else { throw malformed }
        if first == 0x30 {
            take(first)
            if let c = try source.peek(), c >= 0x30, c <= 0x39 { throw JSONError(.malformed, "a number may not start with 0", offset: start) }
        } else {
            _ = try digits()
        }
        if try source.peek() == 0x2E {  // .
            take(0x2E)
            guard try digits() > 0 else { throw malformed }
        }
        if let c = try source.peek(), c == 0x65 || c == 0x45 {  // e E
            take(c)
            if let sign = try source.peek(), sign == 0x2B || sign == 0x2D { take(sign) }
            guard try digits() > 0 else { throw malformed }
        }
        guard let value = Double(String(decoding: scratch, as: UTF8.self)) else { throw malformed }
        guard value.isFinite else {
            throw JSONError(.notFinite, "\(String(decoding: scratch, as: UTF8.self)) is not a finite number", offset: start)
        }
        return value
    }

    /// A string from its opening quote; returns "" without keeping the text when `keep` is false.
    private mutating func string(keep: Bool) throws -> String {
        let start = source.offset
        source.advance()  // "
        scratch.removeAll(keepingCapacity: true)
        var length = 0
        while true {
            var plainBytes = 0
            var stopped = false
            try source.consume(while: { $0 != 0x22 && $0 != 0x5C && $0 >= 0x20 }) { run in
                plainBytes += run.count
                if keep { scratch.append(contentsOf: run) }
            }
            length += plainBytes
            guard length <= limits.maxStringBytes else {
                throw JSONError(.limitExceeded, "a string longer than \(limits.maxStringBytes >> 20) MiB", offset: start)
            }
            guard let c = try source.peek() else { throw JSONError(.malformed, "unexpected end of file inside a string", offset: start) }
            switch c {
            case 0x22:
                source.advance()
                stopped = true
            case 0x5C:
                try escape(keep: keep)
                length += 1
            default:
                throw JSONError(.malformed, "a control character (U+00\(String(c, radix: 16, uppercase: true))) must be escaped inside a string",
                                offset: source.offset)
            }
            if stopped { break }
        }
        return keep ? String(decoding: scratch, as: UTF8.self) : ""
    }

    private mutating func escape(keep: Bool) throws {
        let start = source.offset
        source.advance()  // backslash
        guard let c = try source.peek() else { throw JSONError(.malformed, "unexpected end of file in an escape", offset: start) }
        source.advance()
        let simple: UInt8?
        switch c {
        case 0x22, 0x5C, 0x2F: simple = c
        case 0x62: simple = 0x08
        case 0x66: simple = 0x0C
        case 0x6E: simple = 0x0A
        case 0x72: simple = 0x0D
        case 0x74: simple = 0x09
        case 0x75: simple = nil
        default: throw JSONError(.malformed, "invalid escape '\\\(printable(c))'", offset: start)
        }
        if let simple {
            if keep { scratch.append(simple) }
            return
        }
        var scalar = try hex4(start)
        if (0xD800..<0xDC00).contains(scalar) {  // a high surrogate: a low one should follow
            if try source.peek() == 0x5C {
                source.advance()
                guard try source.peek() == 0x75 else { throw JSONError(.malformed, "a lone surrogate in \\u escape", offset: start) }
                source.advance()
                let low = try hex4(start)
                guard (0xDC00..<0xE000).contains(low) else { throw JSONError(.malformed, "a lone surrogate in \\u escape", offset: start) }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else {
                scalar = 0xFFFD
            }
        } else if (0xDC00..<0xE000).contains(scalar) {
            scalar = 0xFFFD
        }
        if keep { scratch.append(contentsOf: Array(String(Character(Unicode.Scalar(scalar)!)).utf8)) }
    }

    private func hex4(_ start: Int) throws -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let c = try source.peek(), let digit = hexDigit(c) else {
                throw JSONError(.malformed, "\\u needs four hexadecimal digits", offset: start)
            }
            source.advance()
            value = value << 4 | digit
        }
        return value
    }

    private func hexDigit(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: UInt32(c - 0x30)
        case 0x41...0x46: UInt32(c - 0x41 + 10)
        case 0x61...0x66: UInt32(c - 0x61 + 10)
        default: nil
        }
    }
}

private func printable(_ c: UInt8) -> String {
    c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : "\\u{\(String(c, radix: 16))}"
}
