#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// XML 1.0 well-formedness checks the tokenizer makes as it streams, even on text and attributes no
/// reader looks at: a file that is not XML must not be read as if it were (`time="<<computed>>"`,
/// `&bogus;`, a NUL byte, the same attribute twice).
enum XMLWellFormedness {
    /// An attribute value: no `<`, no NUL, and every `&` starts a defined reference.
    static func checkAttributeValue(_ base: UnsafePointer<UInt8>, count: Int, offset: Int) throws {
        if let lt = find(0x3C, base, count) {
            throw XMLError(.malformed, "'<' is not allowed in an attribute value (write &lt;)", offset: offset + lt)
        }
        try checkText(base, count: count, offset: offset)
    }

    /// Character data: no NUL, and every `&` starts a defined reference.
    static func checkText(_ base: UnsafePointer<UInt8>, count: Int, offset: Int) throws {
        try checkNoNUL(base, count: count, offset: offset)
        var start = 0
        while let amp = find(0x26, base + start, count - start).map({ $0 + start }) {
            let length = try XMLEntities.referenceLength(base + amp, available: count - amp, offset: offset + amp)
            start = amp + length
        }
    }

    /// CDATA, comments: anything but NUL.
    static func checkNoNUL(_ base: UnsafePointer<UInt8>, count: Int, offset: Int) throws {
        if let nul = find(0, base, count) {
            throw XMLError(.malformed, "a NUL character is not allowed in XML", offset: offset + nul)
        }
    }

    /// The attribute spans of one tag name no attribute twice.
    static func checkUniqueAttributes(_ spans: [AttributeSpan], tag: UnsafePointer<UInt8>, offset: Int) throws {
        guard spans.count > 1 else { return }
        if spans.count <= 32 {
            for (index, span) in spans.enumerated() {
                for earlier in spans[..<index] where same(span, earlier, tag) {
                    throw duplicate(span, tag: tag, offset: offset)
                }
            }
            return
        }
        var seen = Set<[UInt8]>()
        for span in spans where !seen.insert(Array(UnsafeBufferPointer(start: tag + span.nameStart, count: span.nameCount))).inserted {
            throw duplicate(span, tag: tag, offset: offset)
        }
    }

    private static func same(_ a: AttributeSpan, _ b: AttributeSpan, _ tag: UnsafePointer<UInt8>) -> Bool {
        a.nameCount == b.nameCount && memcmp(tag + a.nameStart, tag + b.nameStart, a.nameCount) == 0
    }

    private static func duplicate(_ span: AttributeSpan, tag: UnsafePointer<UInt8>, offset: Int) -> XMLError {
        let name = String(decoding: UnsafeBufferPointer(start: tag + span.nameStart, count: span.nameCount), as: UTF8.self)
        return XMLError(.malformed, "attribute '\(name)' appears twice in the same tag", offset: offset + span.nameStart)
    }

    private static func find(_ byte: UInt8, _ base: UnsafePointer<UInt8>, _ count: Int) -> Int? {
        guard count > 0, let hit = memchr(base, Int32(byte), count) else { return nil }
        return UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
    }
}
