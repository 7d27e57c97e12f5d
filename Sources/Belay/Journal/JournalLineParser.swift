import BelayModel
import Foundation

/// A journal line read straight into a `JournalEvent`, without `JSONDecoder`: folding a long run's
/// history is dominated by decoding, and the journal's shape is fixed (one flat object, a few
/// nested maps and lists).
///
/// It accepts only what it fully understands and returns nil for anything else (an unknown key, a
/// number with a fraction, invalid UTF-8), so the reader then asks `JSONDecoder`, which stays the
/// judge of what a line means.
struct JournalLineParser {
    private let base: UnsafePointer<UInt8>
    private let end: Int
    private var position = 0

    private init(_ bytes: UnsafeBufferPointer<UInt8>) {
        base = bytes.baseAddress!
        end = bytes.count
    }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> JournalEvent? {
        var event = JournalEvent(event: .warning)
        return parse(bytes, into: &event) ? event : nil
    }

    /// Reads the line into `event`, which must be as `JournalEvent(event:)` made it: a reader
    /// reuses one event for every line rather than moving a new one (hundreds of bytes) through
    /// each call. False when the line is left to the decoder (`event` is then partly set).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into event: inout JournalEvent) -> Bool {
        guard !bytes.isEmpty else { return false }
        var parser = JournalLineParser(bytes)
        return parser.event(into: &event)
    }

    private mutating func event(into event: inout JournalEvent) -> Bool {
        var hasSeq = false, hasTime = false, hasEvent = false
        guard take(UInt8(ascii: "{")) else { return false }
        if take(UInt8(ascii: "}")) { return false }
        repeat {
            guard let key = keyBytes(), take(UInt8(ascii: ":")) else { return false }
            skipSpace()
            if peek == UInt8(ascii: "n") {
                guard literal("null") else { return false }
                continue
            }
            guard let member = Member(key) else { return false }
            switch member {
            case .seq: guard let value = integer() else { return false }; event.seq = Int(value); hasSeq = true
            case .time: guard let value = string() else { return false }; event.time = value; hasTime = true
            case .event:
                guard let value = keyBytes(), let kind = JournalEvent.Kind(value) else { return false }
                event.event = kind
                hasEvent = true
            case .crc: guard string() != nil else { return false }
            default: guard field(member, into: &event) else { return false }
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { return false }
        skipSpace()
        return position == end && hasSeq && hasTime && hasEvent
    }

    /// Every member but `seq`, `time`, `event` and `crc`.
    private mutating func field(_ member: Member, into event: inout JournalEvent) -> Bool {
        switch member {
        case .seq, .time, .event, .crc: return false
        case .run: return text(&event.run)
        case .playbook: return text(&event.playbook)
        case .workspace: return text(&event.workspace)
        case .source: return text(&event.source)
        case .host: return text(&event.host)
        case .phase: return text(&event.phase)
        case .step: return text(&event.step)
        case .value: return text(&event.value)
        case .error: return text(&event.error)
        case .note: return text(&event.note)
        case .by: return text(&event.by)
        case .log: return text(&event.log)
        case .point: return text(&event.point)
        case .commit: return text(&event.commit)
        case .tree: return text(&event.tree)
        case .failedStep: return text(&event.failedStep)
        case .comment: return text(&event.comment)
        case .deadline: return text(&event.deadline)
        case .environment: return text(&event.environment)
        case .lock: return text(&event.lock)
        case .machine: return text(&event.machine)
        case .onFailure: return word(&event.onFailure)
        case .action: return word(&event.action)
        case .decision: return word(&event.decision)
        case .pid: return number(&event.pid)
        case .attempt: return number(&event.attempt)
        case .exitCode: return number(&event.exitCode)
        case .durationMs: return number(&event.durationMs)
        case .processGroup: return number(&event.processGroup)
        case .processStart: return number(&event.processStart)
        case .outcomeUnknown:
            guard let value = boolean() else { return false }
            event.outcomeUnknown = value
        case .vars: return map(&event.vars)
        case .outputs: return map(&event.outputs)
        case .criteria: return map(&event.criteria)
        case .captures: return map(&event.captures)
        case .shown: return list(&event.shown)
        case .preserved: return list(&event.preserved)
        case .plan: guard let value = plan() else { return false }; event.plan = value
        }
        return true
    }

    // Each reads one value into its field, or says it could not.

    private mutating func text(_ target: inout String?) -> Bool {
        guard let value = string() else { return false }
        target = value
        return true
    }

    /// One of an enumeration's words (`"pause"`, `"compensate"`, `"PROCEED"`).
    private mutating func word<Word: RawRepresentable<String>>(_ target: inout Word?) -> Bool {
        guard let value = string(), let word = Word(rawValue: value) else { return false }
        target = word
        return true
    }

    /// An integer that fits the field's type.
    private mutating func number<Number: FixedWidthInteger>(_ target: inout Number?) -> Bool {
        guard let value = integer(), let narrowed = Number(exactly: value) else { return false }
        target = narrowed
        return true
    }

    private mutating func map(_ target: inout [String: String]?) -> Bool {
        guard let value = stringMap() else { return false }
        target = value
        return true
    }

    private mutating func list(_ target: inout [String]?) -> Bool {
        guard let value = stringList() else { return false }
        target = value
        return true
    }

    // MARK: Values

    private mutating func plan() -> [JournalEvent.PlannedPhase]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var phases: [JournalEvent.PlannedPhase] = []
        if take(UInt8(ascii: "]")) { return phases }
        repeat {
            guard take(UInt8(ascii: "{")) else { return nil }
            var id: String?, name: String?, parallel: Bool?, steps: [String]?
            repeat {
                guard let key = keyBytes(), take(UInt8(ascii: ":")) else { return nil }
                skipSpace()
                if peek == UInt8(ascii: "n") {
                    guard literal("null") else { return nil }
                    continue
                }
                if equal(key, "id") { id = string() } else if equal(key, "name") { name = string() }
                else if equal(key, "parallel") { parallel = boolean(); if parallel == nil { return nil } }
                else if equal(key, "steps") { steps = stringList() }
                else { return nil }
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "}")), let id, let steps else { return nil }
            phases.append(JournalEvent.PlannedPhase(id: id, name: name, parallel: parallel, steps: steps))
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? phases : nil
    }

    private mutating func stringMap() -> [String: String]? {
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

    private mutating func stringList() -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var list: [String] = []
        if take(UInt8(ascii: "]")) { return list }
        repeat {
            guard let value = stringAfterSpace() else { return nil }
            list.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? list : nil
    }

    private mutating func stringAfterSpace() -> String? {
        skipSpace()
        return string()
    }

    private mutating func boolean() -> Bool? {
        if literal("true") { return true }
        if literal("false") { return false }
        return nil
    }

    /// A plain integer (`-12`, `0`); a fraction or an exponent is left to the decoder.
    private mutating func integer() -> Int64? {
        var negative = false
        if peek == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        let start = position
        var value: Int64 = 0
        while position < end, case let digit = base[position], digit >= 48, digit <= 57 {
            let (times, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times.addingReportingOverflow(Int64(digit - 48))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
            position += 1
        }
        guard position > start, position - start == 1 || base[start] != 48 else { return nil }
        if position < end, base[position] == UInt8(ascii: ".") || base[position] | 0x20 == UInt8(ascii: "e") { return nil }
        return negative ? -value : value
    }

    /// A key, or a word such as an event's kind: a string without escapes, as bytes.
    private mutating func keyBytes() -> UnsafeBufferPointer<UInt8>? {
        skipSpace()
        guard take(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < end, base[position] != UInt8(ascii: "\"") {
            if base[position] == UInt8(ascii: "\\") { return nil }
            position += 1
        }
        guard position < end else { return nil }
        let key = UnsafeBufferPointer(start: base + start, count: position - start)
        position += 1
        return key
    }

    /// A JSON string at the current position, unescaped; nil for invalid UTF-8 or a raw control byte.
    private mutating func string() -> String? {
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
                return ascii ? String(decoding: bytes, as: UTF8.self) : validated(bytes)
            }
            if byte == UInt8(ascii: "\\") { return escapedString(from: start) }
            if byte < 0x20 { return nil }
            if byte >= 0x80 { ascii = false }
            position += 1
        }
        return nil
    }

    /// Moves past the bytes of a string that need no look (not `"`, `\`, a control byte or
    /// non-ASCII), eight at a time: most of a journal line is such bytes.
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
            if special & high != 0 { return }
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

    private var peek: UInt8? { position < end ? base[position] : nil }

    private mutating func skipSpace() {
        while position < end, base[position] == 0x20 || base[position] == 0x09 || base[position] == 0x0D { position += 1 }
    }

    private mutating func take(_ byte: UInt8) -> Bool {
        skipSpace()
        guard position < end, base[position] == byte else { return false }
        position += 1
        return true
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard end - position >= count, memcmp(base + position, word.utf8Start, count) == 0 else { return false }
        position += count
        return true
    }

    private func equal(_ key: UnsafeBufferPointer<UInt8>, _ word: StaticString) -> Bool {
        key.count == word.utf8CodeUnitCount && memcmp(key.baseAddress!, word.utf8Start, key.count) == 0
    }
}
