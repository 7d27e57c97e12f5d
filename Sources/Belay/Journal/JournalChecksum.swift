import CBelayCRC

/// The per-line checksum of the journal: a flipped byte that still parses as JSON is caught.
///
/// A line is `{…,"crc":"hhhhhhhh"}`: `crc` is always the last member, and its value is the CRC-32C
/// (Castagnoli), in 8 lowercase hex digits, of the line's bytes as they would be without that
/// member — everything before `,"crc":` followed by `}`. It is computed on the exact bytes written
/// and checked on the exact bytes read, so nothing is re-encoded. Lines without it (journals written
/// before it existed) are read as they are.
enum JournalChecksum {
    /// `,"crc":"` — what precedes the checksum's hex digits.
    private static let marker: StaticString = #","crc":""#
    /// The marker, 8 hex digits, the closing quote and brace.
    private static let suffixCount = marker.utf8CodeUnitCount + 8 + 2

    /// What a line's checksum says about it.
    enum Verdict: Equatable {
        /// The line carries a checksum and it matches.
        case valid
        /// The line carries no checksum (written before checksums existed).
        case absent
        /// The line carries a checksum that does not match its bytes.
        case mismatch
    }

    /// `object` (one rendered JSON object, ending in `}`) with its checksum member appended.
    static func seal(_ object: [UInt8]) -> [UInt8] {
        precondition(object.last == UInt8(ascii: "}"))
        var line = object
        let crc = object.withUnsafeBufferPointer { CRC32C.finish(CRC32C.update(CRC32C.initial, $0)) }
        line.removeLast()
        line += UnsafeBufferPointer(start: marker.utf8Start, count: marker.utf8CodeUnitCount)
        line += hex(crc)
        line += [UInt8(ascii: "\""), UInt8(ascii: "}")]
        return line
    }

    /// Checks the checksum member of `line`, if it has one.
    static func verify(_ line: ArraySlice<UInt8>) -> Verdict {
        line.withUnsafeBufferPointer { verify($0) }
    }

    static func verify(_ line: UnsafeBufferPointer<UInt8>) -> Verdict {
        let end = line.count
        guard end > suffixCount, line[end - 1] == UInt8(ascii: "}"), line[end - 2] == UInt8(ascii: "\"")
        else { return .absent }
        let markerStart = end - suffixCount
        guard marker.matches(UnsafeBufferPointer(rebasing: line[markerStart..<(markerStart + marker.utf8CodeUnitCount)]))
        else { return .absent }
        guard let stored = parseHex(UnsafeBufferPointer(rebasing: line[(markerStart + marker.utf8CodeUnitCount)..<(end - 2)]))
        else { return .mismatch }
        var crc = CRC32C.update(CRC32C.initial, UnsafeBufferPointer(rebasing: line[0..<markerStart]))
        crc = CRC32C.update(crc, CollectionOfOne(UInt8(ascii: "}")))
        return CRC32C.finish(crc) == stored ? .valid : .mismatch
    }

    private static func hex(_ value: UInt32) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<8).map { digits[Int((value >> (28 - 4 * UInt32($0))) & 0xF)] }
    }

    private static func parseHex(_ digits: UnsafeBufferPointer<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        for digit in digits {
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            default: return nil
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }
}

/// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), table-driven.
enum CRC32C {
    static let initial: UInt32 = 0xFFFF_FFFF

    private static let table: [UInt32] = (0..<256).map { byte in
        var crc = UInt32(byte)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// Eight tables for slicing-by-8: table k gives the CRC of a byte followed by k zero bytes, so
    /// eight bytes are folded in with eight lookups and no dependency between them.
    private static let slices: [UInt32] = {
        var slices = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 { slices[byte] = table[byte] }
        for k in 1..<8 {
            for byte in 0..<256 {
                let previous = slices[(k - 1) * 256 + byte]
                slices[k * 256 + byte] = (previous >> 8) ^ table[Int(previous & 0xFF)]
            }
        }
        return slices
    }()

    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = crc
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }

    static func update(_ crc: UInt32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        guard let base = bytes.baseAddress else { return crc }
        let count = bytes.count
        if hardware { return belay_crc32c_update(crc, base, count) }
        return slicingBy8(crc, base, count)
    }

    /// Whether the processor computes CRC-32C itself (SSE 4.2).
    static let hardware = belay_crc32c_hardware() != 0

    /// The table-driven update, where the processor has no CRC-32C instruction (and to test it).
    static func slicingBy8(_ crc: UInt32, _ base: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
        var crc = crc
        slices.withUnsafeBufferPointer { t in
            var index = 0
            while index + 8 <= count {
                let low = crc ^ (UInt32(base[index]) | UInt32(base[index + 1]) << 8 | UInt32(base[index + 2]) << 16
                    | UInt32(base[index + 3]) << 24)
                crc = t[7 * 256 + Int(low & 0xFF)] ^ t[6 * 256 + Int((low >> 8) & 0xFF)]
                    ^ t[5 * 256 + Int((low >> 16) & 0xFF)] ^ t[4 * 256 + Int(low >> 24)]
                    ^ t[3 * 256 + Int(base[index + 4])] ^ t[2 * 256 + Int(base[index + 5])]
                    ^ t[1 * 256 + Int(base[index + 6])] ^ t[Int(base[index + 7])]
                index += 8
            }
            while index < count {
                crc = t[Int((crc ^ UInt32(base[index])) & 0xFF)] ^ (crc >> 8)
                index += 1
            }
        }
        return crc
    }

    static func finish(_ crc: UInt32) -> UInt32 { crc ^ 0xFFFF_FFFF }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 { finish(update(initial, bytes)) }
}

extension StaticString {
    /// Whether `bytes` are this string's bytes.
    fileprivate func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        bytes.count == utf8CodeUnitCount && memcmp(bytes.baseAddress!, utf8Start, bytes.count) == 0
    }
}
