import Foundation
import Synchronization

/// The append side of a run's journal: one JSON object per line, each fsync'd before `append` returns.
///
/// A crash can tear the last line; opening the journal again makes sure the next event starts on a
/// fresh line, and `JournalReader` ignores the torn one.
final class JournalWriter: Sendable {
    private struct State {
        var seq: Int
        var seen: [String: Int] = [:]
    }

    let url: URL
    private let fd: Int32
    private let state: Mutex<State>
    private let failpoint: Failpoint?

    /// Opens (or creates) the journal for appending; `lastSeq` continues the numbering of an existing journal.
    init(url: URL, lastSeq: Int = 0, failpoint: Failpoint? = Failpoint.fromEnvironment) throws {
        self.url = url
        let fd = open(url.path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw EngineError(.journal, "cannot open the journal \(url.path): \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.state = Mutex(State(seq: lastSeq))
        self.failpoint = failpoint
        if JournalWriter.endsTorn(fd: fd) {
            try write(Data("\n".utf8))
        }
    }

    deinit { close(fd) }

    /// Gives the event its sequence number and time, writes it and fsyncs. Returns the stored event.
    @discardableResult
    func append(_ event: JournalEvent) throws -> JournalEvent {
        try append([event])[0]
    }

    /// Appends several events with one fsync (group commit): all are durable when this returns.
    /// A failpoint on any of them fires after the whole batch is durable.
    @discardableResult
    func append(_ events: [JournalEvent]) throws -> [JournalEvent] {
        let (stored, seen) = try state.withLock { state throws -> ([JournalEvent], [Int]) in
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
                throw EngineError(.journal, "cannot fsync the journal: \(String(cString: strerror(errno)))")
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

    private func write(_ data: Data) throws {
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    throw EngineError(.journal, "cannot write the journal: \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
    }

    /// Whether the file's last byte is not a newline (a crash tore the last line).
    private static func endsTorn(fd: Int32) -> Bool {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return false }
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, size - 1) == 1 && byte != 0x0A
    }
}

/// Reads a journal back: every well-formed line, in order.
public enum JournalReader {
    /// The events of a journal file and the number of lines that could not be decoded (a torn last
    /// line after a crash).
    public static func read(_ url: URL) throws -> (events: [JournalEvent], ignoredLines: Int) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw EngineError(.journal, "cannot read the journal \(url.path): \(error.localizedDescription)")
        }
        return decode(data)
    }

    public static func decode(_ data: Data) -> (events: [JournalEvent], ignoredLines: Int) {
        let decoder = JSONDecoder()
        var events: [JournalEvent] = []
        var ignored = 0
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            if let event = try? decoder.decode(JournalEvent.self, from: Data(line)) {
                events.append(event)
            } else {
                ignored += 1
            }
        }
        return (events, ignored)
    }
}
