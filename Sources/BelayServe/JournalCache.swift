import Belay
import Foundation
import Synchronization

/// Each run's journal read and folded once per change, however many requests and event streams
/// ask: a journal only grows, so its size and modification time tell whether it changed. The
/// stamp is taken before reading, so the contents kept are never older than their stamp.
final class JournalCache: Sendable {
    static let shared = JournalCache()

    struct Entry: Sendable {
        var stamp: Stamp
        var events: [JournalEvent]
        var state: RunState
    }

    struct Stamp: Equatable, Sendable {
        var size: Int64
        var modified: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])

    func read(_ run: String, in workspace: ServedWorkspace) throws(EngineError) -> Entry {
        let path = RunFolder(workspace: workspace.url, runID: run).journal.path
        let stamp = Self.stamp(path)
        if let stamp, let kept = entries.withLock({ $0[path] }), kept.stamp == stamp { return kept }
        let contents = try workspace.journal.read(run: run)
        let entry = Entry(stamp: stamp ?? Stamp(size: -1, modified: -1), events: contents.events, state: contents.state)
        if stamp != nil { entries.withLock { $0[path] = entry } }
        return entry
    }

    static func stamp(_ path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return Stamp(size: Int64(info.st_size), modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec))
    }
}
