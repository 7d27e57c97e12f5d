#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounds that keep a hostile or broken file from using unbounded memory.
public struct XMLLimits: Sendable, Hashable {
    /// Bytes read per `read(2)`; the buffer starts at this size.
    public var chunkSize: Int
    /// The largest single tag, declaration or processing instruction; the buffer never grows beyond it.
    public var maxTokenSize: Int
    /// The deepest element nesting accepted.
    public var maxDepth: Int

    public init(chunkSize: Int = 1 << 20, maxTokenSize: Int = 16 << 20, maxDepth: Int = 512) {
        self.chunkSize = chunkSize
        self.maxTokenSize = max(maxTokenSize, chunkSize)
        self.maxDepth = maxDepth
    }

    public static let `default` = XMLLimits()
}

/// A streaming, non-validating XML tokenizer over bytes.
///
/// Why not Foundation's `XMLParser`: it is an order of magnitude slower on large JUnit files and its
/// entity handling depends on the platform's libxml2 settings. This one reads fixed-size chunks,
/// keeps no tree, resolves only the predefined entities and character references, and refuses any
/// DOCTYPE that declares entities, so entity-expansion bombs and external entities cannot work.
struct XMLTokenizer {
    private enum Mode { case content, cdata, comment }

    private let limits: XMLLimits
    private var buffer: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    private var end = 0
    /// Absolute offset of `buffer[0]` in the input.
    private var origin = 0
    private var eof = false
    private var mode = Mode.content
    private var modeStart = 0
    private var names: [UInt8] = []
    private var nameStarts: [Int] = []
    private var spans: [AttributeSpan] = []
    private var sawRoot = false
    private var rootClosed = false

    init(limits: XMLLimits) {
        self.limits = limits
        self.capacity = max(limits.chunkSize, 64)
        self.buffer = .allocate(capacity: capacity)
        spans.reserveCapacity(16)
    }

    /// Tokenizes everything `fill` returns (it writes up to `count` bytes and returns how many; 0 = end).
    mutating func run<H: XMLEventHandler>(
        _ handler: inout H, fill: (UnsafeMutablePointer<UInt8>, Int) throws -> Int
    ) throws {
        defer { buffer.deallocate() }
        try refill(from: 0, fill)
        var pos = try checkEncoding()
        while true {
            pos = try scan(from: pos, &handler)
            if eof {
                if pos < end || mode != .content { throw unexpectedEnd(at: pos) }
                break
            }
            try refill(from: pos, fill)
            pos = 0
        }
        if !nameStarts.isEmpty {
            let open = String(decoding: names[nameStarts.last!...], as: UTF8.self)
            throw XMLError(.malformed, "unexpected end of file: <\(open)> is not closed", offset: origin + end)
        }
        if !sawRoot { throw XMLError(.malformed, "the document has no root element", offset: origin + end) }
    }

    // MARK: Input

    private mutating func refill(from pos: Int, _ fill: (UnsafeMutablePointer<UInt8>, Int) throws -> Int) throws {
        let remaining = end - pos
        if pos > 0, remaining > 0 { memmove(buffer, buffer + pos, remaining) }
        origin += pos
        end = remaining
        if end == capacity {
            guard capacity < limits.maxTokenSize else {
                throw XMLError(
                    .limitExceeded, "a single tag or declaration is larger than \(limits.maxTokenSize >> 20) MiB",
                    offset: origin)
            }
            let grown = min(capacity * 2, limits.maxTokenSize)
            let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: grown)
            newBuffer.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = newBuffer
            capacity = grown
        }
        let got = try fill(buffer + end, capacity - end)
        if got == 0 { eof = true } else { end += got }
    }

    private func checkEncoding() throws -> Int {
        if end >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { return 3 }
        if end >= 2, (buffer[0] == 0xFE && buffer[1] == 0xFF) || (buffer[0] == 0xFF && buffer[1] == 0xFE)
            || (buffer[0] == 0 && buffer[1] == 0x3C) || (buffer[0] == 0x3C && buffer[1] == 0)
        {
            throw XMLError(.unsupportedEncoding, "the file is UTF-16; save it as UTF-8", offset: 0)
        }
        return 0
    }

    private func unexpectedEnd(at pos: Int) -> XMLError {
        switch mode {
        case .cdata: return XMLError(.malformed, "unexpected end of file inside a CDATA section", offset: modeStart)
        case .comment: return XMLError(.malformed, "unexpected end of file inside a comment", offset: modeStart)
        case .content: return XMLError(.malformed, "unexpected end of file inside a tag", offset: origin + pos)
        }
    }

    // MARK: Scanning

    /// Handles every complete token from `start`; returns where the first incomplete one begins.
    private mutating func scan<H: XMLEventHandler>(from start: Int, _ handler: inout H) throws -> Int {
        var p = start
        let b = buffer
        let n = end
        while p < n {
            switch mode {
            case .cdata:
                if let close = find(0x5D, 0x5D, 0x3E, from: p) {  // ]]>
                    try XMLWellFormedness.checkNoNUL(b + p, count: close - p, offset: origin + p)
                    if handler.wantsText, close > p { try handler.text(text(p, close, cdata: true)) }
                    p = close + 3
                    mode = .content
                } else {
                    let safe = utf8Boundary(p, max(p, n - 2))
                    try XMLWellFormedness.checkNoNUL(b + p, count: safe - p, offset: origin + p)
                    if handler.wantsText, safe > p { try handler.text(text(p, safe, cdata: true)) }
                    return safe
                }
            case .comment:
                if let close = find(0x2D, 0x2D, 0x3E, from: p) {  // -->
                    p = close + 3
                    mode = .content
                } else {
                    return max(p, n - 2)
                }
            case .content:
                if b[p] != 0x3C {  // text up to the next '<'
                    let lt = memchr(b + p, 0x3C, n - p).map { UnsafeMutablePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - b }
                    var stop = lt ?? n
                    if lt == nil, !eof { stop = holdBackPartialReference(p, n) }
                    if stop > p { try characters(p, stop, &handler) }
                    p = stop
                    if lt == nil { return p }
                    continue
                }
                guard p + 1 < n else { return p }
                let next = b[p + 1]
                let tokenEnd: Int?
                if next == 0x2F {  // '/'
                    tokenEnd = try endTag(p, &handler)
                } else if next == 0x3F {  // '?'
                    tokenEnd = try processingInstruction(p)
                } else if next == 0x21 {  // '!'
                    tokenEnd = try markupDeclaration(p)
                } else {
                    tokenEnd = try startTag(p, &handler)
                }
                guard let tokenEnd else { return p }
                p = tokenEnd
            }
        }
        return p
    }

    private func text(_ from: Int, _ to: Int, cdata: Bool) -> XMLText {
        XMLText(raw: XMLBytes(base: buffer + from, count: to - from, offset: origin + from), isCDATA: cdata)
    }

    private func characters<H: XMLEventHandler>(_ from: Int, _ to: Int, _ handler: inout H) throws {
        if nameStarts.isEmpty {
            for i in from..<to where !isSpace(buffer[i]) {
                throw XMLError(
                    .malformed,
                    rootClosed ? "text after the end of the root element" : "text before the root element",
                    offset: origin + i)
            }
        } else {
            try XMLWellFormedness.checkText(buffer + from, count: to - from, offset: origin + from)
            if handler.wantsText { try handler.text(text(from, to, cdata: false)) }
        }
    }

    /// At a chunk boundary, keeps an unfinished `&...` (or UTF-8 sequence) for the next round, so a
    /// text piece never ends inside a reference or a character.
    private func holdBackPartialReference(_ from: Int, _ to: Int) -> Int {
        var i = to - 1
        while i >= from, to - i <= 40 {
            let c = buffer[i]
            if c == 0x3B || c == 0x3E { break }  // ';' '>'
            if c == 0x26 { return i }  // '&'
            i -= 1
        }
        return utf8Boundary(from, to)
    }

    /// `to`, moved back to the start of a UTF-8 sequence that would otherwise be cut.
    private func utf8Boundary(_ from: Int, _ to: Int) -> Int {
        var i = to - 1
        while i >= from, to - i <= 4 {
            let c = buffer[i]
            if c & 0xC0 == 0x80 { i -= 1; continue }  // continuation byte
            if c < 0x80 { return to }
            let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
            return to - i >= length ? to : i
        }
        return to
    }

    private func find(_ a: UInt8, _ b: UInt8, _ c: UInt8, from start: Int) -> Int? {
        var i = start
        while i + 2 < end {
            guard let hit = memchr(buffer + i, Int32(c), end - i - 2 + 2) else { return nil }
            let k = UnsafeMutablePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - buffer
            if k >= start + 2, buffer[k - 1] == b, buffer[k - 2] == a { return k - 2 }
            i = k + 1
        }
        return nil
    }

    // MARK: Tokens

    /// `<name attr="v" ...>` or `<name/>`; `nil` when the tag continues past the buffer.
    private mutating func startTag<H: XMLEventHandler>(_ p: Int, _ handler: inout H) throws -> Int? {
        let b = buffer
        let n = end
        var i = p + 1
        guard isNameStart(b[i]) else {
            throw XMLError(.malformed, "expected an element name after '<'", offset: origin + i)
        }
        let nameStart = i
        while i < n, isNameByte(b[i]) { i += 1 }
        guard i < n else { return nil }
        let nameEnd = i
        spans.removeAll(keepingCapacity: true)
        var selfClosing = false
        while true {
            let spaceStart = i
            while i < n, isSpace(b[i]) { i += 1 }
            guard i < n else { return nil }
            let c = b[i]
            if c == 0x3E { i += 1; break }  // '>'
            if c == 0x2F {  // '/'
                guard i + 1 < n else { return nil }
                guard b[i + 1] == 0x3E else {
                    throw XMLError(.malformed, "expected '>' after '/' in a tag", offset: origin + i + 1)
                }
                selfClosing = true
                i += 2
                break
            }
            guard isNameStart(c) else {
                throw XMLError(.malformed, "unexpected character '\(printable(c))' in a tag", offset: origin + i)
            }
            guard i > spaceStart else {
                throw XMLError(.malformed, "attributes must be separated by whitespace", offset: origin + i)
            }
            let attributeStart = i
            while i < n, isNameByte(b[i]) { i += 1 }
            let attributeEnd = i
            while i < n, isSpace(b[i]) { i += 1 }
            guard i < n else { return nil }
            guard b[i] == 0x3D else {  // '='
                let attribute = String(decoding: UnsafeBufferPointer(start: b + attributeStart, count: attributeEnd - attributeStart), as: UTF8.self)
                throw XMLError(.malformed, "attribute '\(attribute)' has no value (expected '=')", offset: origin + i)
            }
            i += 1
            while i < n, isSpace(b[i]) { i += 1 }
            guard i < n else { return nil }
            let quote = b[i]
            guard quote == 0x22 || quote == 0x27 else {
                throw XMLError(.malformed, "attribute values must be quoted with \" or '", offset: origin + i)
            }
            i += 1
            guard let hit = memchr(b + i, Int32(quote), n - i) else { return nil }
            let close = UnsafeMutablePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - b
            try XMLWellFormedness.checkAttributeValue(b + i, count: close - i, offset: origin + i)
            spans.append(AttributeSpan(
                nameStart: attributeStart - p, nameCount: attributeEnd - attributeStart,
                valueStart: i - p, valueCount: close - i))
            i = close + 1
        }
        if rootClosed {
            throw XMLError(.malformed, "a second root element; a document has exactly one", offset: origin + p)
        }
        try XMLWellFormedness.checkUniqueAttributes(spans, tag: b + p, offset: origin + p)
        sawRoot = true
        if nameStarts.count >= limits.maxDepth {
            throw XMLError(.limitExceeded, "elements are nested deeper than \(limits.maxDepth) levels", offset: origin + p)
        }
        let name = XMLBytes(base: b + nameStart, count: nameEnd - nameStart, offset: origin + nameStart)
        try spans.withUnsafeBufferPointer { spanBuffer in
            let element = XMLElement(
                name: name, isSelfClosing: selfClosing, base: UnsafePointer(b + p), baseOffset: origin + p,
                spans: spanBuffer)
            try handler.startElement(element)
        }
        if selfClosing {
            try handler.endElement(name)
            if nameStarts.isEmpty { rootClosed = true }
        } else {
            nameStarts.append(names.count)
            names.append(contentsOf: UnsafeBufferPointer(start: b + nameStart, count: nameEnd - nameStart))
        }
        return i
    }

    /// `</name>`; checks it closes the innermost open element.
    private mutating func endTag<H: XMLEventHandler>(_ p: Int, _ handler: inout H) throws -> Int? {
        let b = buffer
        let n = end
        var i = p + 2
        guard i < n else { return nil }
        let nameStart = i
        while i < n, isNameByte(b[i]) { i += 1 }
        let nameEnd = i
        while i < n, isSpace(b[i]) { i += 1 }
        guard i < n else { return nil }
        guard b[i] == 0x3E, nameEnd > nameStart else {
            throw XMLError(.malformed, "malformed closing tag", offset: origin + p)
        }
        let name = XMLBytes(base: b + nameStart, count: nameEnd - nameStart, offset: origin + nameStart)
        guard let open = nameStarts.last else {
            throw XMLError(.malformed, "closing tag </\(name.rawString)> has no opening tag", offset: origin + p)
        }
        let matches = names.withUnsafeBufferPointer { all in
            name.equals(UnsafeBufferPointer(rebasing: all[open...]))
        }
        guard matches else {
            let expected = String(decoding: names[open...], as: UTF8.self)
            throw XMLError(
                .malformed, "closing tag </\(name.rawString)> does not match the open element <\(expected)>",
                offset: origin + p)
        }
        try handler.endElement(name)
        names.removeSubrange(open...)
        nameStarts.removeLast()
        if nameStarts.isEmpty { rootClosed = true }
        return i + 1
    }

    /// `<?target ...?>`: skipped, except that an XML declaration naming UTF-16 is refused.
    private func processingInstruction(_ p: Int) throws -> Int? {
        guard let close = findPair(0x3F, 0x3E, from: p + 2) else { return nil }
        if close - p >= 5, memcmp(buffer + p, "<?xml", 5) == 0 {
            let declaration = String(decoding: UnsafeBufferPointer(start: buffer + p, count: close - p), as: UTF8.self)
                .lowercased()
            if declaration.contains("utf-16") || declaration.contains("utf-32") || declaration.contains("ucs-") {
                throw XMLError(.unsupportedEncoding, "the file declares a UTF-16/32 encoding; save it as UTF-8", offset: origin + p)
            }
        }
        return close + 2
    }

    private func findPair(_ a: UInt8, _ b: UInt8, from start: Int) -> Int? {
        var i = start
        while i + 1 < end {
            guard let hit = memchr(buffer + i, Int32(b), end - i) else { return nil }
            let k = UnsafeMutablePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - buffer
            if k > start, buffer[k - 1] == a { return k - 1 }
            i = k + 1
        }
        return nil
    }

    /// `<!-- ... -->`, `<![CDATA[ ... ]]>` or `<!DOCTYPE ...>`.
    private mutating func markupDeclaration(_ p: Int) throws -> Int? {
        let available = end - p
        if available < 9, !eof { return nil }
        if starts(p, "<!--") {
            mode = .comment
            modeStart = origin + p
            return p + 4
        }
        if starts(p, "<![CDATA[") {
            guard !nameStarts.isEmpty else {
                throw XMLError(.malformed, "a CDATA section outside the root element", offset: origin + p)
            }
            mode = .cdata
            modeStart = origin + p
            return p + 9
        }
        if starts(p, "<!DOCTYPE") { return try doctype(p) }
        if starts(p, "<!ENTITY") { throw entityDeclaration(at: p) }
        throw XMLError(.malformed, "unexpected '<!': expected a comment, CDATA section or DOCTYPE", offset: origin + p)
    }

    /// Skips a DOCTYPE without fetching anything; refuses one that declares entities.
    private func doctype(_ p: Int) throws -> Int? {
        if sawRoot { throw XMLError(.malformed, "a DOCTYPE after the root element", offset: origin + p) }
        var i = p + 9
        var quote: UInt8 = 0
        var depth = 0
        while i < end {
            let c = buffer[i]
            if quote != 0 {
                if c == quote { quote = 0 }
            } else if c == 0x22 || c == 0x27 {
                quote = c
            } else if c == 0x5B {  // [
                depth += 1
            } else if c == 0x5D {  // ]
                depth -= 1
            } else if c == 0x3C, starts(i, "<!ENTITY") {
                throw entityDeclaration(at: i)
            } else if c == 0x3E, depth <= 0 {
                return i + 1
            }
            i += 1
        }
        return nil
    }

    private func entityDeclaration(at p: Int) -> XMLError {
        XMLError(
            .entityDeclaration,
            "external entities / entity declarations are not allowed: the file declares an entity in its DOCTYPE, "
                + "which could expand without bound or read other files; remove the declaration",
            offset: origin + p)
    }

    private func starts(_ p: Int, _ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        return end - p >= count && memcmp(buffer + p, literal.utf8Start, count) == 0
    }
}

@inline(__always) func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D }

/// Letters, `_`, `:` and any non-ASCII byte (names are compared as bytes).
@inline(__always) func isNameStart(_ c: UInt8) -> Bool {
    c >= 0x80 || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x5F || c == 0x3A
}

@inline(__always) func isNameByte(_ c: UInt8) -> Bool {
    isNameStart(c) || (c >= 0x30 && c <= 0x39) || c == 0x2D || c == 0x2E
}

private func printable(_ c: UInt8) -> String {
    c >= 0x20 && c < 0x7F ? String(UnicodeScalar(c)) : "\\u{\(String(c, radix: 16))}"
}
