import Foundation
import Synchronization

/// The append side of a run's journal: one JSON object per line, sealed with its checksum
/// (`JournalChecksum`), each fsync'd before `append` returns.
///
/// A crash can tear the last line. That write never returned, so nothing acted on it: opening the
/// journal again cuts the torn line off, and the next event starts where it began.
final class JournalWriter: JournalAppender {
    private struct State {
        var seq: Int
        var seen: [String: Int] = [:]
    }

    let url: URL
    private let fd: Int32
    private let state: Mutex<State>
    private let failpoint: Failpoint?

    /// Opens (or creates) the journal for appending; `lastSeq` continues the numbering of an existing journal.
    init(url: URL, lastSeq: Int = 0, failpoint: Failpoint? = Failpoint.fromEnvironment) throws(EngineError) {
        self.url = url
        let fd = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, PrivateFiles.fileMode)
        guard fd >= 0 else {
            throw EngineError(.journal, .io(.journal, path: url.path, reason: String(cString: strerror(errno))))
        }
        self.fd = fd
        self.state = Mutex(State(seq: lastSeq))
        self.failpoint = failpoint
        try cutTornTail()
    }

    deinit { close(fd) }

    /// Appends several events with one fdatasync (group commit): all are durable when this returns.
    /// A failpoint on any of them fires after the whole batch is durable.
    @discardableResult
    func append(_ events: [JournalEvent]) throws(EngineError) -> [JournalEvent] {
        try append(events, durable: true)
    }

    /// With `durable` false the events are written (a crash of this process keeps them: they are in
    /// the kernel's cache) but not synced: the next durable append syncs them with its own, since
    /// one fdatasync flushes the whole file. Failpoints fire once the write returns.
    @discardableResult
    func append(_ events: [JournalEvent], durable: Bool) throws(EngineError) -> [JournalEvent] {
        let (stored, seen) = try state.withLock { state throws(EngineError) -> ([JournalEvent], [Int]) in
            let time = JournalClock.now()
            var stored: [JournalEvent] = []
            var bytes: [UInt8] = []
            for var event in events {
                state.seq += 1
                event.seq = state.seq
                event.time = time
                bytes += JournalChecksum.seal(event.jsonText.renderedBytes())
                bytes.append(0x0A)
                stored.append(event)
            }
            try write(bytes)
            guard !durable || Self.syncData(fd) == 0 else {
                throw EngineError(.journal, .io(.journal, path: url.path, reason: "fdatasync: " + String(cString: strerror(errno))))
            }
            let seen = stored.map { event in
                state.seen[event.event.rawValue, default: 0] += 1
                return state.seen[event.event.rawValue]!
            }
            return (stored, seen)
        }
        if let failpoint {
            for (event, count) in zip(stored, seen) { failpoint.check(event: event.event.rawValue, seen: count) }
        }
        return stored
    }

    /// The file's data and the size that reaches it; an append needs no other metadata flushed.
    private static func syncData(_ fd: Int32) -> Int32 {
        #if os(Linux)
        fdatasync(fd)
        #else
        fsync(fd)
        #endif
    }

    private func write(_ data: [UInt8]) throws(EngineError) {
        let failure: EngineError? = data.withUnsafeBytes { raw -> EngineError? in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return EngineError(.journal, .io(.journal, path: url.path, reason: String(cString: strerror(errno))))
                }
                offset += written
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Cuts a line torn by a crash (the bytes after the last newline) off the end of the file.
    private func cutTornTail() throws(EngineError) {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return }
        var end = size
        var chunk = [UInt8](repeating: 0, count: 4096)
        scan: while end > 0 {
            let start = max(0, end - off_t(chunk.count))
            let count = pread(fd, &chunk, Int(end - start), start)
            guard count == Int(end - start) else { return }
            for position in stride(from: count - 1, through: 0, by: -1) {
                if chunk[position] == 0x0A { break scan }
                end -= 1
            }
        }
        guard end < size else { return }
        guard ftruncate(fd, end) == 0, fsync(fd) == 0 else {
            throw EngineError(.journal, .io(.journal, path: url.path, reason: "cutting a torn last line: " + String(cString: strerror(errno))))
        }
    }
}
