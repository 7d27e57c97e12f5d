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
    private var json: JSONBytes
    private var memory = LineMemory(empty: ())

    private init(_ bytes: UnsafeBufferPointer<UInt8>) { json = JSONBytes(bytes) }

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> JournalEvent? {
        var event = JournalEvent(event: .warning)
        return parse(bytes, into: &event) ? event : nil
    }

    /// Reads the line into `event`, which must be as `JournalEvent(event:)` made it: a reader
    /// reuses one event for every line rather than moving a new one (hundreds of bytes) through
    /// each call. False when the line is left to the decoder (`event` is then partly set).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into event: inout JournalEvent) -> Bool {
        var memory = LineMemory(empty: ())
        return parse(bytes, into: &event, memory: &memory)
    }

    /// As `parse(_:into:)`, helped by what earlier lines were like.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, into event: inout JournalEvent, memory: inout LineMemory) -> Bool {
        guard !bytes.isEmpty else { return false }
        var parser = JournalLineParser(bytes)
        swap(&parser.memory, &memory)
        defer { swap(&parser.memory, &memory) }
        return parser.event(into: &event)
    }

    /// What a reader remembers of the lines before, to read the next one with less work. A reader
    /// keeps one for all its lines.
    ///
    /// - Each member's last string, reused when a line repeats it: journals repeat most (the run's
    ///   id and machine, a step's phase and name, the time of a batch of events, an attempt's log),
    ///   and a reused string saves making and checking a copy.
    /// - The members of the last line of each kind, in order: Belay writes a kind's members in
    ///   the same order every time, so the next key is most often confirmed by one compare rather
    ///   than read and looked up.
    struct LineMemory {
        fileprivate var strings: [Recent?]
        /// By kind (one more row before the kind is read), then by position in the line.
        fileprivate var keys: [Key?]

        init() {
            strings = Array(repeating: nil, count: Member.allCases.count)
            keys = Array(repeating: nil, count: (JournalEvent.Kind.allCases.count + 1) * Self.positions)
        }

        /// A memory that remembers nothing, for a single line.
        fileprivate init(empty: ()) {
            strings = []
            keys = []
        }

        /// The most members a line has whose order is remembered.
        fileprivate static let positions = 16
        /// The row of the members read before the kind.
        fileprivate static let beforeKind = JournalEvent.Kind.allCases.count
    }

    /// A member's last string (plain ASCII), with its first bytes at hand to compare.
    fileprivate struct Recent {
        var string: String
        var prefix: ShortBytes
        var count: Int

        /// Reads this string's value when it is next in `json`.
        func isNext(in json: inout JSONBytes) -> Bool {
            if count <= ShortBytes.capacity { return json.takeString(count: count, prefix: prefix, whole: nil) }
            return string.utf8.withContiguousStorageIfAvailable {
                json.takeString(count: count, prefix: prefix, whole: $0.baseAddress)
            } ?? false
        }
    }

    /// A member seen at a position, and its key's bytes.
    fileprivate struct Key {
        var member: Member
        var bytes: ShortBytes
    }

    /// The object's loop is written out here rather than through `JSONBytes.object`: it runs for
    /// every line of every journal read.
    private mutating func event(into event: inout JournalEvent) -> Bool {
        var hasSeq = false, hasTime = false, hasEvent = false
        var row = LineMemory.beforeKind, position = 0
        guard json.take(UInt8(ascii: "{")) else { return false }
        if json.take(UInt8(ascii: "}")) { return false }
        repeat {
            guard let member = nextMember(row: row, position: position) else { return false }
            position += 1
            json.skipSpace()
            if json.peek == UInt8(ascii: "n") {
                guard json.literal("null") else { return false }
                continue
            }
            switch member {
            case .seq: guard let value = json.integer() else { return false }; event.seq = Int(value); hasSeq = true
            case .time: guard let value = string(member) else { return false }; event.time = value; hasTime = true
            case .event:
                guard let value = json.keyBytes(), let found = JournalEvent.Kind.found(value) else { return false }
                event.event = found.kind
                row = found.index
                hasEvent = true
            case .crc: guard json.string() != nil else { return false }
            default: guard field(member, into: &event) else { return false }
            }
        } while json.take(UInt8(ascii: ","))
        guard json.take(UInt8(ascii: "}")) else { return false }
        return json.atEnd && hasSeq && hasTime && hasEvent
    }

    /// The key at the current position and its `:`, as the member it names: the member the last
    /// line of this kind had here when the bytes confirm it, else the key read and looked up.
    private mutating func nextMember(row: Int, position: Int) -> Member? {
        let slot = row * LineMemory.positions + position
        let remembered = position < LineMemory.positions && slot < memory.keys.count
        if remembered, let key = memory.keys[slot], json.takeKey(key.bytes) { return key.member }
        guard let bytes = json.keyBytes(), json.take(UInt8(ascii: ":")), let member = Member(bytes) else { return nil }
        if remembered, let key = ShortBytes(bytes) { memory.keys[slot] = Key(member: member, bytes: key) }
        return member
    }

    /// Every member but `seq`, `time`, `event` and `crc`.
    private mutating func field(_ member: Member, into event: inout JournalEvent) -> Bool {
        switch member {
        case .seq, .time, .event, .crc: return false
        case .run: return text(&event.run, member)
        case .playbook: return text(&event.playbook, member)
        case .workspace: return text(&event.workspace, member)
        case .source: return text(&event.source, member)
        case .host: return text(&event.host, member)
        case .phase: return text(&event.phase, member)
        case .step: return text(&event.step, member)
        case .value: return text(&event.value, member)
        case .error: return text(&event.error, member)
        case .note: return text(&event.note, member)
        case .by: return text(&event.by, member)
        case .log: return text(&event.log, member)
        case .point: return text(&event.point, member)
        case .commit: return text(&event.commit, member)
        case .tree: return text(&event.tree, member)
        case .failedStep: return text(&event.failedStep, member)
        case .comment: return text(&event.comment, member)
        case .deadline: return text(&event.deadline, member)
        case .environment: return text(&event.environment, member)
        case .lock: return text(&event.lock, member)
        case .machine: return text(&event.machine, member)
        case .onFailure: return word(&event.onFailure, member)
        case .action: return word(&event.action, member)
        case .decision: return word(&event.decision, member)
        case .pid: return number(&event.pid)
        case .attempt: return number(&event.attempt)
        case .exitCode: return number(&event.exitCode)
        case .durationMs: return number(&event.durationMs)
        case .processGroup: return number(&event.processGroup)
        case .processStart: return number(&event.processStart)
        case .outcomeUnknown:
            guard let value = json.boolean() else { return false }
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

    private mutating func text(_ target: inout String?, _ member: Member) -> Bool {
        guard let value = string(member) else { return false }
        target = value
        return true
    }

    /// One of an enumeration's words (`"pause"`, `"compensate"`, `"PROCEED"`).
    private mutating func word<Word: RawRepresentable<String>>(_ target: inout Word?, _ member: Member) -> Bool {
        guard let value = string(member), let word = Word(rawValue: value) else { return false }
        target = word
        return true
    }

    /// An integer that fits the field's type.
    private mutating func number<Number: FixedWidthInteger>(_ target: inout Number?) -> Bool {
        guard let value = json.integer(), let narrowed = Number(exactly: value) else { return false }
        target = narrowed
        return true
    }

    private mutating func map(_ target: inout [String: String]?) -> Bool {
        guard let value = json.stringMap() else { return false }
        target = value
        return true
    }

    private mutating func list(_ target: inout [String]?) -> Bool {
        guard let value = json.stringList() else { return false }
        target = value
        return true
    }

    // MARK: Values

    private mutating func plan() -> [JournalEvent.PlannedPhase]? {
        json.list { json in
            var id: String?, name: String?, parallel: Bool?, steps: [String]?
            let read = json.object { json, key in
                if json.null() { return true }
                if json.equal(key, "id") { id = json.string(); return id != nil }
                if json.equal(key, "name") { name = json.string(); return name != nil }
                if json.equal(key, "parallel") { parallel = json.boolean(); return parallel != nil }
                if json.equal(key, "steps") { steps = json.stringList(); return steps != nil }
                return false
            }
            guard read, let id, let steps else { return nil }
            return JournalEvent.PlannedPhase(id: id, name: name, parallel: parallel, steps: steps)
        }
    }

    /// A string: the member's last one when the line repeats its bytes, else a new one, kept as
    /// the member's last when it is plain ASCII.
    private mutating func string(_ member: Member) -> String? {
        let index = member.rawValue
        if index < memory.strings.count, let last = memory.strings[index], last.isNext(in: &json) { return last.string }
        switch json.stringBytes() {
        case .ascii(let bytes):
            let string = String(decoding: bytes, as: UTF8.self)
            if index < memory.strings.count {
                memory.strings[index] = Recent(string: string, prefix: ShortBytes(prefixOf: bytes), count: bytes.count)
            }
            return string
        case .text(let text): return text
        case nil: return nil
        }
    }
}
