#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Replaces the five predefined entities and numeric character references, and nothing else.
enum XMLEntities {
    static func decode(_ bytes: XMLBytes) throws -> String {
        let input = bytes.buffer
        guard bytes.count > 0, memchr(bytes.base, 0x26, bytes.count) != nil else {
            return String(decoding: input, as: UTF8.self)
        }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < input.count {
            let c = input[i]
            guard c == 0x26 else {  // '&'
                out.append(c)
                i += 1
                continue
            }
            var j = i + 1
            while j < input.count, input[j] != 0x3B, j - i < 40 { j += 1 }  // ';'
            guard j < input.count, input[j] == 0x3B else {
                throw XMLError(.malformed, "'&' must start an entity reference ending in ';' (write &amp; for a literal '&')",
                               offset: bytes.offset + i)
            }
            let name = Array(input[(i + 1)..<j])
            if let scalar = try reference(name, offset: bytes.offset + i) {
                out.append(contentsOf: Array(String(Character(scalar)).utf8))
            }
            i = j + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The length of the reference starting with the `&` at `start` (through its `;`); throws when
    /// it is not a predefined entity or a valid character reference.
    static func referenceLength(_ start: UnsafePointer<UInt8>, available: Int, offset: Int) throws -> Int {
        var j = 1
        while j < available, start[j] != 0x3B, j < 40 { j += 1 }  // ';'
        guard j < available, start[j] == 0x3B else {
            throw XMLError(.malformed, "'&' must start an entity reference ending in ';' (write &amp; for a literal '&')",
                           offset: offset)
        }
        _ = try reference(Array(UnsafeBufferPointer(start: start + 1, count: j - 1)), offset: offset)
        return j + 1
    }

    private static func reference(_ name: [UInt8], offset: Int) throws -> Unicode.Scalar? {
        switch name {
        case Array("lt".utf8): return "<"
        case Array("gt".utf8): return ">"
        case Array("amp".utf8): return "&"
        case Array("apos".utf8): return "'"
        case Array("quot".utf8): return "\""
        default: break
        }
        let text = String(decoding: name, as: UTF8.self)
        if name.first == 0x23 {  // '#'
            let value: UInt32?
            if name.count > 1, name[1] == 0x78 || name[1] == 0x58 {  // x / X
                value = UInt32(text.dropFirst(2), radix: 16)
            } else {
                value = UInt32(text.dropFirst(), radix: 10)
            }
            guard let value, value != 0, let scalar = Unicode.Scalar(value) else {
                throw XMLError(.malformed, "'&\(text);' is not a valid character reference", offset: offset)
            }
            return scalar
        }
        throw XMLError(
            .undefinedEntity,
            "undefined entity '&\(text);': only &lt; &gt; &amp; &apos; &quot; and character references are allowed",
            offset: offset)
    }
}
