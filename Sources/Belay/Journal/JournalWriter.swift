import Foundation
import Synchronization

/// The append side of a run's journal: one JSON object per line, each fsync'd before `append` returns.
///
/// A crash can tear the last line; opening the journal again makes sure the next event starts on a
/// fresh line, and `JournalReader` ignores the torn one.
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
        if JournalWriter.endsTorn(fd: fd) {
            try write(Data("\n".utf8))
        }
    }

    deinit { close(fd) }

    /// Appends several events with one fsync (group commit): all are durable when this returns.
    /// A failpoint on any of them fires after the whole batch is durable.
    @discardableResult
    func append(_ events: [JournalEvent]) throws(EngineError) -> [JournalEvent] {
        let (stored, seen) = try state.withLock { state throws(EngineError) -> ([JournalEvent], [Int]) in
            let time = JournalClock.now()
            var stored: [JournalEvent] = []
            var text = ""
            for var event in events {
                state.seq += 1
                event.seq = state.seq
                event.time = time
                text += event.jsonText.rendered()
                text += "\n"
                stored.append(event)
            }
            try write(Data(text.utf8))
            guard fsync(fd) == 0 else {
                throw EngineError(.journal, .io(.journal, path: url.path, reason: "fsync: " + String(cString: strerror(errno))))
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

    private func write(_ data: Data) throws(EngineError) {
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

    /// Whether the file's last byte is not a newline (a crash tore the last line).
    private static func endsTorn(fd: Int32) -> Bool {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return false }
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, size - 1) == 1 && byte != 0x0A
    }
}
