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
        var events: [JournalEvent] = []
        // Room for the events a file of this size holds (about 200 bytes a line), so the array
        // is not moved again and again as it grows.
        var info = stat()
        if stat(url.path, &info) == 0 { events.reserveCapacity(Int(info.st_size) / 160) }
        let ignored = try scan(url) { events.append($0) }
        return (events, ignored)
    }

    /// Reads a journal file straight into the state it folds to, never holding its events: what
    /// `status` and `runs` need of a long run.
    /// - Throws: as `read`.
    public static func fold(_ url: URL) throws(EngineError) -> RunState {
        var state = RunState()
        state.ignoredLines = try scan(url) { state.apply($0) }
        return state
    }

    /// As `fold(_:)`, from the state the fold cache at `cache` holds when it matches the journal's
    /// first bytes (`FoldCache`), folding only the lines after them; and keeping a new cache when
    /// this fold read at least `FoldCache.minimumBytes` of lines the old one did not hold.
    /// - Throws: as `read`.
    static func fold(_ url: URL, cache: URL) throws(EngineError) -> RunState {
        let fd = try open(url)
        defer { close(fd) }
        var state = RunState()
        var start = ScanPosition()
        if let entry = FoldCache.read(cache), prefix(of: fd, matches: entry) {
            state = entry.state
            start = ScanPosition(bytes: entry.journalBytes, crc: entry.journalCRC, lines: entry.lines,
                lastSeq: entry.lastSeq, ignoredLines: entry.state.ignoredLines)
        } else if lseek(fd, 0, SEEK_SET) != 0 {
            throw failure(url, String(cString: strerror(errno)))
        }
        let end = try scan(fd, url, from: start) { state.apply($0) }
        state.ignoredLines = end.ignoredLines
        if end.isWhole, end.bytes - start.bytes >= FoldCache.minimumBytes {
            let entry = FoldCache.Entry(
                journalBytes: end.bytes, journalCRC: end.crc, lines: end.lines, lastSeq: end.lastSeq, state: state)
            FoldCache.write(entry, to: cache)
        }
        return state
    }

    /// Whether the first bytes of the journal open at `fd` are those `entry` was folded from;
    /// `fd` is then just past them.
    private static func prefix(of fd: Int32, matches entry: FoldCache.Entry) -> Bool {
        let buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var crc = CRC32C.initial
        var left = entry.journalBytes
        while left > 0 {
            let count = readBytes(fd, buffer.baseAddress!, min(left, chunk))
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return false }
            crc = CRC32C.update(crc, UnsafeBufferPointer(rebasing: buffer[..<count]))
            left -= count
        }
        return crc == entry.journalCRC
    }

    /// Hands each event of a journal file to `body`, in order, never holding more than one:
    /// what `log` tells a long run's story from. Returns the number of lines tolerated as torn.
    /// - Throws: as `read`.
    public static func forEach(_ url: URL, _ body: (consuming JournalEvent) -> Void) throws(EngineError) -> Int {
        try scan(url, body)
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
        var events: [JournalEvent] = []
        events.reserveCapacity(bytes.count / 160)
        var scanner = LineScanner()
        let rest = try scanner.lines(in: bytes) { events.append($0) }
        try scanner.last(UnsafeBufferPointer(rebasing: bytes[rest...])) { events.append($0) }
        return (events, try scanner.finish())
    }

    /// Hands each event of a journal file to `body`, in order, and returns the number of lines
    /// tolerated as torn.
    private static func scan(_ url: URL, _ body: (consuming JournalEvent) -> Void) throws(EngineError) -> Int {
        let fd = try open(url)
        defer { close(fd) }
        return try scan(fd, url, from: ScanPosition(), body).ignoredLines
    }

    /// Where a scan of a journal stands: the whole lines read (their bytes and the CRC-32C register
    /// over them) and what the reader counted in them.
    private struct ScanPosition {
        var bytes = 0
        var crc = CRC32C.initial
        var lines = 0
        var lastSeq = 0
        var ignoredLines = 0
        /// Whether the journal ended with its last line whole: nothing after the last newline.
        var isWhole = true
    }

    /// The bytes a scan reads at a time: memory does not grow with the file.
    private static let chunk = 1 << 20

    /// Hands each event of the journal open at `fd` to `body`, in order, from `start` (where `fd`
    /// stands), reading a megabyte at a time; returns where the scan ended.
    private static func scan(
        _ fd: Int32, _ url: URL, from start: ScanPosition, _ body: (consuming JournalEvent) -> Void
    ) throws(EngineError) -> ScanPosition {
        var buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: chunk)
        defer { buffer.deallocate() }
        var scanner = LineScanner(lines: start.lines, lastSeq: start.lastSeq, ignored: start.ignoredLines)
        var position = start
        var filled = 0
        var readError: Int32 = 0
        do throws(Damage) {
            reading: while true {
                if filled == buffer.count {
                    // One line longer than the buffer: make room for it.
                    let larger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
                    _ = larger.initialize(from: buffer)
                    buffer.deallocate()
                    buffer = larger
                }
                let count = readBytes(fd, buffer.baseAddress! + filled, buffer.count - filled)
                if count < 0 {
                    if errno == EINTR { continue }
                    readError = errno
                    break reading
                }
                if count == 0 {
                    try scanner.last(UnsafeBufferPointer(rebasing: buffer[..<filled]), body)
                    position.ignoredLines = try scanner.finish()
                    (position.lines, position.lastSeq, position.isWhole) = (scanner.number, scanner.lastSeq, filled == 0)
                    return position
                }
                filled += count
                let rest = try scanner.lines(in: UnsafeBufferPointer(rebasing: buffer[..<filled]), body)
                position.bytes += rest
                position.crc = CRC32C.update(position.crc, UnsafeBufferPointer(rebasing: buffer[..<rest]))
                // The bytes of a line not yet whole move to the front, to be completed by the next read.
                let carried = filled - rest
                if carried > 0, rest > 0 { memmove(buffer.baseAddress!, buffer.baseAddress! + rest, carried) }
                filled = carried
            }
        } catch {
            throw EngineError(.journal, .journalDamaged(path: url.path, line: error.line, damage: error.damage))
        }
        throw failure(url, String(cString: strerror(readError)))
    }

    private static func open(_ url: URL) throws(EngineError) -> Int32 {
        let fd = Glibc.open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw failure(url, String(cString: strerror(errno))) }
        return fd
    }

    private static func failure(_ url: URL, _ reason: String) -> EngineError {
        EngineError(.journal, .io(.journal, path: url.path, reason: reason))
    }

    /// Reads lines one after another, keeping what deciding about a torn line needs.
    private struct LineScanner {
        private var decoder: JSONDecoder?
        private var ignored = 0
        private(set) var lastSeq = 0
        /// The lines read, numbered from 1.
        private(set) var number = 0
        private var pendingTorn: (number: Int, seq: Int?)?
        private var memory = JournalLineParser.LineMemory()

        init() {}

        /// A scanner that goes on after `lines` lines already read.
        init(lines: Int, lastSeq: Int, ignored: Int) {
            (number, self.lastSeq, self.ignored) = (lines, lastSeq, ignored)
        }

        /// Reads every line of `bytes` that ends with a newline and returns the offset of what
        /// follows the last one.
        mutating func lines(
            in bytes: UnsafeBufferPointer<UInt8>, _ body: (consuming JournalEvent) -> Void
        ) throws(Damage) -> Int {
            guard let base = bytes.baseAddress else { return 0 }
            var start = 0
            while start < bytes.count,
                let newline = memchr(base + start, 0x0A, bytes.count - start)
            {
                let stop = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base
                try line(UnsafeBufferPointer(start: base + start, count: stop - start), isTail: false, body)
                start = stop + 1
            }
            return start
        }

        /// The bytes after the last newline: a line torn by a crash unless it reads whole.
        mutating func last(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (consuming JournalEvent) -> Void) throws(Damage) {
            guard !bytes.isEmpty else { return }
            try line(bytes, isTail: true, body)
        }

        /// The number of lines tolerated as torn.
        func finish() throws(Damage) -> Int {
            if let torn = pendingTorn { throw Damage(line: torn.number, damage: .unreadable) }
            return ignored
        }

        private mutating func line(
            _ line: UnsafeBufferPointer<UInt8>, isTail: Bool, _ body: (consuming JournalEvent) -> Void
        ) throws(Damage) {
            number += 1
            guard !line.isEmpty else { return }
            var damage = EngineError.JournalDamage.unreadable
            // A local, handed over to the body: a stored property would be copied for the call.
            var event = JournalEvent(event: .warning)
            let read = JournalReader.readLine(line, into: &event, memory: &memory, decoder: &decoder, damage: &damage)
            if let torn = pendingTorn {
                // A line torn by a crash under an earlier writer, which ended it with a newline and
                // went on: the next event repeats the torn one's position. Anything else is damage.
                guard let seq = torn.seq, read, event.seq == seq, seq == lastSeq + 1
                else { throw Damage(line: torn.number, damage: .unreadable) }
                pendingTorn = nil
                ignored += 1
            }
            if read {
                lastSeq = event.seq
                body(consume event)
            } else if isTail {
                ignored += 1
            } else if damage == .unreadable, let seq = JournalReader.tornSeq(ArraySlice(line)) {
                pendingTorn = (number, seq)
            } else {
                throw Damage(line: number, damage: damage)
            }
        }
    }

    /// The checksum, then the direct parser; `JSONDecoder` (made on first need) judges the rest.
    /// - Parameter event: a fresh event, read into.
    private static func readLine(
        _ line: UnsafeBufferPointer<UInt8>, into event: inout JournalEvent, memory: inout JournalLineParser.LineMemory,
        decoder: inout JSONDecoder?, damage: inout EngineError.JournalDamage
    ) -> Bool {
        if JournalChecksum.verify(line) == .mismatch {
            damage = .checksumMismatch
            return false
        }
        if JournalLineParser.parse(line, into: &event, memory: &memory) { return true }
        if decoder == nil { decoder = JSONDecoder() }
        guard let decoded = try? decoder!.decode(JournalEvent.self, from: Data(buffer: line)) else { return false }
        event = decoded
        return true
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

/// `read(2)`, named apart from `JournalReader.read`.
private func readBytes(_ fd: Int32, _ buffer: UnsafeMutablePointer<UInt8>, _ count: Int) -> Int {
    read(fd, buffer, count)
}
