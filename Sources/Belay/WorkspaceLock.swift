import Foundation

/// Who holds a workspace: the content of `.belay/lock`.
public struct LockHolder: Sendable, Hashable, Codable, CustomStringConvertible {
    public var run: String
    public var pid: Int32
    public var host: String
    /// UTC, ISO 8601.
    public var since: String

    public var description: String { "run \(run) (pid \(pid) on \(host), since \(since))" }

    /// Whether the holder is a process of this host that no longer exists.
    public var isStale: Bool {
        guard host == WorkspaceLock.hostName else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

/// One run at a time per workspace: `.belay/lock`, created atomically with `O_EXCL`.
///
/// A lock left by a process that is gone (same host) is taken over; the caller journals the takeover.
public final class WorkspaceLock: Sendable {
    public let url: URL
    public let holder: LockHolder
    /// The stale holder this lock replaced, if any.
    public let tookOverFrom: LockHolder?

    static let hostName: String = ProcessInfo.processInfo.hostName

    private init(url: URL, holder: LockHolder, tookOverFrom: LockHolder?) {
        self.url = url
        self.holder = holder
        self.tookOverFrom = tookOverFrom
    }

    public static func url(workspace: URL) -> URL { RunFolder.belayDirectory(workspace).appendingPathComponent("lock") }

    /// The current holder of the workspace, if any.
    public static func holder(workspace: URL) -> LockHolder? {
        guard let data = try? Data(contentsOf: url(workspace: workspace)) else { return nil }
        return try? JSONDecoder().decode(LockHolder.self, from: data)
    }

    /// Takes the workspace for `run`.
    /// - Throws: `EngineError(.locked)` naming the holder when a live run holds it.
    public static func acquire(workspace: URL, run: String) throws -> WorkspaceLock {
        let url = url(workspace: workspace)
        let holder = LockHolder(run: run, pid: getpid(), host: hostName, since: JournalClock.now())
        var data = try JSONEncoder().encode(holder)
        data.append(0x0A)
        var replaced: LockHolder?
        for _ in 0..<3 {
            let fd = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 {
                defer { close(fd) }
                let written = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                guard written == data.count, fsync(fd) == 0 else {
                    unlink(url.path)
                    throw EngineError(.workspace, "cannot write the lock \(url.path)")
                }
                return WorkspaceLock(url: url, holder: holder, tookOverFrom: replaced)
            }
            guard errno == EEXIST else {
                throw EngineError(.workspace, "cannot create the lock \(url.path): \(String(cString: strerror(errno)))")
            }
            guard let current = self.holder(workspace: workspace) else {
                // Being written right now by another run, or unreadable: treat it as held.
                throw EngineError(.locked, "the workspace is locked (\(url.path) exists but cannot be read); "
                    + "if no run is active, remove it")
            }
            guard current.isStale else {
                throw EngineError(.locked, "the workspace is locked by \(current); wait for it to finish, "
                    + "or check `belay status \(current.run)`")
            }
            replaced = current
            unlink(url.path)
        }
        throw EngineError(.locked, "the workspace lock \(url.path) keeps changing hands; try again")
    }

    /// Removes the lock if it is still ours.
    public func release() {
        if WorkspaceLock.holder(workspace: url.deletingLastPathComponent().deletingLastPathComponent()) == holder {
            unlink(url.path)
        }
    }
}
