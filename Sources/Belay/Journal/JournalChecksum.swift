/// The per-line checksum of the journal: a flipped byte that still parses as JSON is caught.
///
/// A line is `{…,"crc":"hhhhhhhh"}`: `crc` is always the last member, and its value is the CRC-32C
/// (Castagnoli), in 8 lowercase hex digits, of the line's bytes as they would be without that
/// member — everything before `,"crc":` followed by `}`. It is computed on the exact bytes written
/// and checked on the exact bytes read, so nothing is re-encoded. Lines without it (journals written
/// before it existed) are read as they are.
enum JournalChecksum {
    /// `,"crc":"` — what precedes the checksum's hex digits.
    private static let marker = Array(#","crc":""#.utf8)
    /// The marker, 8 hex digits, the closing quote and brace.
    private static let suffixCount = marker.count + 8 + 2

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
        let crc = CRC32C.checksum(object)
        line.removeLast()
        line += marker
        line += hex(crc)
        line += [UInt8(ascii: "\""), UInt8(ascii: "}")]
        return line
    }

    /// Checks the checksum member of `line`, if it has one.
    static func verify(_ line: ArraySlice<UInt8>) -> Verdict {
        let end = line.endIndex
        guard line.count > suffixCount, line[end - 1] == UInt8(ascii: "}"), line[end - 2] == UInt8(ascii: "\"")
        else { return .absent }
        let markerStart = end - suffixCount
        guard line[markerStart..<(markerStart + marker.count)].elementsEqual(marker) else { return .absent }
        guard let stored = parseHex(line[(markerStart + marker.count)..<(end - 2)]) else { return .mismatch }
        var crc = CRC32C.update(CRC32C.initial, line[line.startIndex..<markerStart])
        crc = CRC32C.update(crc, CollectionOfOne(UInt8(ascii: "}")))
        return CRC32C.finish(crc) == stored ? .valid : .mismatch
    }

    private static func hex(_ value: UInt32) -> [UInt8] {
        let digits = Array("0123456789abcdef".utf8)
        return (0..<8).map { digits[Int((value >> (28 - 4 * UInt32($0))) & 0xF)] }
    }

    private static func parseHex(_ digits: ArraySlice<UInt8>) -> UInt32? {
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

    static func update(_ crc: UInt32, _ bytes: some Sequence<UInt8>) -> UInt32 {
        var crc = crc
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }

    static func finish(_ crc: UInt32) -> UInt32 { crc ^ 0xFFFF_FFFF }

    static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 { finish(update(initial, bytes)) }
}
