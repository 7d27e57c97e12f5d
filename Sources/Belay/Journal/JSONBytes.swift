import Foundation

/// The bytes of one JSON text, read value by value: what the journal's line parser and the run
/// summaries' reader are made of. Each reader accepts only what it fully understands and returns
/// nil for the rest (a fraction, an escape in a key, invalid UTF-8), so its caller can leave that
/// to `JSONDecoder`.
struct JSONBytes {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position = 0

    /// - Precondition: `bytes` is not empty.
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes.baseAddress!
        end = bytes.count
    }

    /// Whether only white space is left.
    var atEnd: Bool {
        mutating get {
            skipSpace()
            return position == end
        }
    }

    /// Reads `{`, then each member's key, hands it to `member` to read its value, and reads `}`.
    /// False when anything does not read, or `member` says so.
    mutating func object(_ member: (inout JSONBytes, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return true }
        repeat {
            guard let key = keyBytes(), take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            guard member(&self, key) else { return false }
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}"))
    }

    /// `null`, read when it is next.
    mutating func null() -> Bool {
        skipSpace()
        return peek == UInt8(ascii: "n") && literal("null")
    }

    mutating func stringMap() -> [String: String]? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var map: [String: String] = [:]
        if take(UInt8(ascii: "}")) { return map }
        repeat {
            skipSpace()
            guard let key = string(), take(UInt8(ascii: ":")), let value = stringAfterSpace() else { return nil }
            map[key] = value
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "}")) ? map : nil
    }

    /// An array whose every item `item` reads.
    mutating func list<Item>(_ item: (inout JSONBytes) -> Item?) -> [Item]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var list: [Item] = []
        if take(UInt8(ascii: "]")) { return list }
        repeat {
            skipSpace()
            guard let value = item(&self) else { return nil }
            list.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? list : nil
    }

    mutating func stringList() -> [String]? { list { $0.string() } }

    mutating func stringAfterSpace() -> String? {
        skipSpace()
        return string()
    }

    mutating func boolean() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// A plain integer (`-12`, `0`); a fraction, an exponent or more than 18 digits (which could
    /// overflow) is left to the decoder.
    mutating func integer() -> Int64? {
        var negative = false
        if position < end, base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        let start = position
        var value: Int64 = 0
        while position < end, case let digit = base[position] &- 48, digit < 10 {
            value = value &* 10 &+ Int64(digit)
            position += 1
        }
        let digits = position - start
        guard digits > 0, digits <= 18, digits == 1 || base[start] != 48 else { return nil }
        if position < end, base[position] == UInt8(ascii: ".") || base[position] | 0x20 == UInt8(ascii: "e") { return nil }
        return negative ? -value : value
    }

    /// A key, or a word such as an event's kind: a string without escapes, as bytes.
    mutating func keyBytes() -> UnsafeBufferPointer<UInt8>? {
        skipSpace()
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < end {
            skipPlainBytes()
            guard position < end, base[position] != UInt8(ascii: "\"") else { break }
            if base[position] == UInt8(ascii: "\\") { return nil }
            position += 1
        }
        guard position < end else { return nil }
        let key = UnsafeBufferPointer(start: base + start, count: position - start)
        position += 1
        return key
    }

    /// Reads `"key":` when it is next, exactly so (no white space): how a reader confirms the key it
    /// expects, without looking for the string's end or telling which key it is.
    mutating func takeKey(_ key: ShortBytes) -> Bool {
        let count = key.count
        guard end - position >= count + 3, base[position] == UInt8(ascii: "\""),
            base[position + count + 1] == UInt8(ascii: "\""), base[position + count + 2] == UInt8(ascii: ":"),
            ShortBytes(start: base + position + 1, count: count) == key
        else { return false }
        position += count + 3
        return true
    }

    /// Reads the string at the current position when its bytes are `count` bytes that start with
    /// `prefix` and, past its 16, go on as `whole`'s: a value that repeats one read before (with
    /// no escape in it), confirmed without looking for its end.
    mutating func takeString(count: Int, prefix: ShortBytes, whole: UnsafePointer<UInt8>?) -> Bool {
        let capacity = ShortBytes.capacity
        guard end - position >= count + 2, base[position] == UInt8(ascii: "\""), base[position + count + 1] == UInt8(ascii: "\""),
            ShortBytes(start: base + position + 1, count: Swift.min(count, capacity)) == prefix,
            count <= capacity || memcmp(base + position + 1 + capacity, whole! + capacity, count - capacity) == 0
        else { return false }
        position += count + 2
        return true
    }

    /// A JSON string at the current position, unescaped; nil for invalid UTF-8 or a raw control byte.
    mutating func string() -> String? {
        switch stringBytes() {
        case .ascii(let bytes): String(decoding: bytes, as: UTF8.self)
        case .text(let text): text
        case nil: nil
        }
    }

    /// A string's value: its bytes when they are ASCII without escapes (most are, and a reader may
    /// have a string for them already), else the string unescaped.
    enum StringValue {
        case ascii(UnsafeBufferPointer<UInt8>)
        case text(String)
    }

    /// The string at the current position; nil for invalid UTF-8 or a raw control byte.
    mutating func stringBytes() -> StringValue? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        var ascii = true
        while position < end {
            skipPlainBytes()
            guard position < end else { break }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let bytes = UnsafeBufferPointer(start: base + start, count: position - start)
                position += 1
                return ascii ? .ascii(bytes) : validated(bytes).map(StringValue.text)
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start).map(StringValue.text) }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        return nil
    }

    /// Moves to the next byte of a string that needs a look (`"`, `\`, a control byte or
    /// non-ASCII), eight bytes at a time: most of a journal line needs none.
    private mutating func skipPlainBytes() {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        while end - position >= 8 {
            let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
            let quote = word ^ (ones &* UInt64(UInt8(ascii: "\"")))
            let backslash = word ^ (ones &* UInt64(UInt8(ascii: "\\")))
            // A byte of `x - 0x01…` with its high bit set where `x`'s was clear: a zero byte in `x`.
            let special = ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                | ((word &- ones &* 0x20) & ~word) | word
            // The lowest byte marked is the first special one (a false mark only follows a true one).
            if special & high != 0 {
                position += (special & high).trailingZeroBitCount / 8
                return
            }
            position += 8
        }
    }

    /// `bytes` as a string when they are valid UTF-8: decoding repairs what is invalid, so a
    /// repaired string's bytes differ from the line's.
    private func validated(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        let decoded = String(decoding: bytes, as: UTF8.self)
        return decoded.utf8.elementsEqual(bytes) ? decoded : nil
    }

    private mutating func escapedString(from start: Int) -> String? {
        var bytes = Array(UnsafeBufferPointer(start: base + start, count: position - start))
        while position < end {
            let byte = base[position]
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                return bytes.withUnsafeBufferPointer { validated($0) }
            case UInt8(ascii: "\\"):
                guard position < end else { return nil }
                let escape = base[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    guard var scalar = hex4() else { return nil }
                    if (0xD800..<0xDC00).contains(scalar) {
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), (0xDC00..<0xE000).contains(low)
                        else { return nil }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { return nil }
                    bytes.append(contentsOf: Array(String(Character(unicode)).utf8))
                default: return nil
                }
            default:
                if byte < 0x20 { return nil }
                bytes.append(byte)
            }
        }
        return nil
    }

    private mutating func hex4() -> UInt32? {
        guard end - position >= 4 else { return nil }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let digit = base[position]
            let nibble: UInt8
            switch digit {
            case 48...57: nibble = digit - 48
            case 97...102: nibble = digit - 87
            case 65...70: nibble = digit - 55
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
            position += 1
        }
        return value
    }

    // MARK: Bytes

    var peek: UInt8? { position < end ? base[position] : nil }

    mutating func skipSpace() {
        while position < end, base[position] == 0x20 || base[position] == 0x09 || base[position] == 0x0D { position += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        // Journal lines hold no white space: the byte wanted is most often the next one.
        if position < end, base[position] == byte {
            position += 1
            return true
        }
        skipSpace()
        guard position < end, base[position] == byte else { return false }
        position += 1
        return true
    }

    mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard end - position >= count, memcmp(base + position, word.utf8Start, count) == 0 else { return false }
        position += count
        return true
    }

    func equal(_ key: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        key.count == word.utf8CodeUnitCount && memcmp(key.baseAddress!, word.utf8Start, key.count) == 0
    }
}
