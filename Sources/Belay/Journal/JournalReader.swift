import Foundation

/// Reads a journal back whole, or refuses: no command acts on a journal it could not read whole.
///
/// Only a torn last line is tolerated: the write it belongs to never returned, so nothing acted on
/// it. Any other line that does not decode, or whose checksum does not match its bytes
/// (`JournalChecksum`), is damage, and reading stops with `.journalDamaged` naming the line.
public enum JournalReader {
    /// The events of a journal file and the number of lines tolerated as torn by a crash.
    /// - Throws: `.io` when the file cannot be read, `.journalDamaged` for a damaged line.
    public static func read(_ url: URL) throws(EngineError) -> (events: [JournalEvent], ignoredLines: Int) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EngineError(.journal, .io(.journal, path: url.path, reason: error.localizedDescription))
        }
        do {
            return try decode(data)
        } catch {
            throw EngineError(.journal, .journalDamaged(path: url.path, line: error.line, damage: error.damage))
        }
    }

    /// A line of a journal that cannot be trusted, numbered from 1.
    public struct Damage: Error, Sendable, Hashable {
        public var line: Int
        public var damage: EngineError.JournalDamage
    }

    /// Decodes a journal's bytes.
    /// - Throws: `Damage` for the first damaged line that is not a torn tail.
    public static func decode(_ data: Data) throws(Damage) -> (events: [JournalEvent], ignoredLines: Int) {
        let result: Result<(events: [JournalEvent], ignoredLines: Int), Damage> = data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            do throws(Damage) { return .success(try decode(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>) throws(Damage) -> (events: [JournalEvent], ignoredLines: Int) {
        var decoder: JSONDecoder?
        var events: [JournalEvent] = []
        events.reserveCapacity(bytes.count / 160)
        var ignored = 0
        let endsComplete = bytes.last == 0x0A
        var pendingTorn: (number: Int, seq: Int?)?
        var start = 0
        var number = 0
        while start < bytes.count {
            let rest = bytes.count - start
            let newline = memchr(bytes.baseAddress! + start, 0x0A, rest).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - bytes.baseAddress! }
            let stop = newline ?? bytes.count
            let line = UnsafeBufferPointer(rebasing: bytes[start..<stop])
            number += 1
            start = stop + 1
            let isTail = newline == nil && !endsComplete
            guard !line.isEmpty else { continue }
            let event = readLine(line, decoder: &decoder)
            if let torn = pendingTorn {
                // A line torn by a crash under an earlier writer, which ended it with a newline and
                // went on: the next event repeats the torn one's position. Anything else is damage.
                guard case .success(let next) = event, let seq = torn.seq, next.seq == seq,
                    seq == (events.last?.seq ?? 0) + 1
                else { throw Damage(line: torn.number, damage: .unreadable) }
                pendingTorn = nil
                ignored += 1
            }
            switch event {
            case .success(let decoded):
                events.append(decoded)
            case .failure(let damage):
                if isTail {
                    ignored += 1
                } else if damage == .unreadable, let seq = tornSeq(ArraySlice(line)) {
                    pendingTorn = (number, seq)
                } else {
                    throw Damage(line: number, damage: damage)
                }
            }
        }
        if let torn = pendingTorn { throw Damage(line: torn.number, damage: .unreadable) }
        return (events, ignored)
    }

    private enum LineRead {
        case success(JournalEvent)
        case failure(EngineError.JournalDamage)
    }

    /// The checksum, then the direct parser; `JSONDecoder` (made on first need) judges the rest.
    private static func readLine(_ line: UnsafeBufferPointer<UInt8>, decoder: inout JSONDecoder?) -> LineRead {
        if JournalChecksum.verify(line) == .mismatch { return .failure(.checksumMismatch) }
        if let event = JournalLineParser.parse(line) { return .success(event) }
        if decoder == nil { decoder = JSONDecoder() }
        guard let event = try? decoder!.decode(JournalEvent.self, from: Data(buffer: line)) else { return .failure(.unreadable) }
        return .success(event)
    }

    /// The position a line claims when it is the start of an event cut short (`{"seq":N,` and no
    /// closing brace), or nil for anything else.
    private static func tornSeq(_ line: ArraySlice<UInt8>) -> Int? {
        let prefix = Array(#"{"seq":"#.utf8)
        guard line.count > prefix.count, Array(line.prefix(prefix.count)) == prefix, line.last != UInt8(ascii: "}")
        else { return nil }
        let digits = line.dropFirst(prefix.count).prefix { (48...57).contains($0) }
        guard !digits.isEmpty, line.dropFirst(prefix.count + digits.count).first == UInt8(ascii: ",") else { return nil }
        return Int(String(decoding: digits, as: UTF8.self))
    }
}
