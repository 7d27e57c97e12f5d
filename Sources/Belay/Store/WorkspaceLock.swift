import Foundation

/// Who holds a workspace: the content of `.belay/lock`.
public struct LockHolder: Sendable, Hashable, Codable, CustomStringConvertible {
    public var run: String
    public var pid: Int32
    public var host: String
    /// UTC, ISO 8601.
    public var since: String

    public init(run: String, pid: Int32, host: String, since: String) {
        self.run = run
        self.pid = pid
        self.host = host
        self.since = since
    }

    public var description: String { "run \(run) (pid \(pid) on \(host), since \(since))" }

    /// Whether the holder is a process of this host that no longer exists.
    public var isStale: Bool {
        guard host == WorkspaceLock.hostName else { return false }
        return kill(pid, 0) != 0 && errno == ESRCH
    }
}

/// One run at a time per workspace: `.belay/lock` names the holder, and an `flock` on it is held for
/// as long as the holder works.
///
/// The recorded pid decides whether a holder is alive (a lock whose process is gone on this host is
/// taken over; the caller journals the takeover). The `flock` makes that check-then-replace atomic:
/// two runs finding the same stale lock cannot both take it over, and the kernel drops the `flock`
/// when a holder dies, however it dies.
public final class WorkspaceLock: HeldRunLock {
    public let url: URL
    public let holder: LockHolder
    /// The stale holder this lock replaced, if any.
    public let tookOverFrom: LockHolder?
    /// The open lock file carrying the `flock`; closing it releases the lock.
    private let descriptor: Int32

    static let hostName: String = ProcessInfo.processInfo.hostName

    private init(url: URL, holder: LockHolder, tookOverFrom: LockHolder?, descriptor: Int32) {
        self.url = url
        self.holder = holder
        self.tookOverFrom = tookOverFrom
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    public static func url(workspace: URL) -> URL { RunFolder.belayDirectory(workspace).appendingPathComponent("lock") }

    /// The current holder of the workspace, if any.
    public static func holder(workspace: URL) -> LockHolder? {
        guard let data = try? Data(contentsOf: url(workspace: workspace)) else { return nil }
        return try? JSONDecoder().decode(LockHolder.self, from: data)
    }

    /// Takes the workspace for `run`.
    /// - Throws: `EngineError` `.locked` naming the holder when a live run holds it.
    public static func acquire(workspace: URL, run: String) throws(EngineError) -> WorkspaceLock {
        let url = url(workspace: workspace)
        let holder = LockHolder(run: run, pid: getpid(), host: hostName, since: JournalClock.now())
        var data = (try? JSONEncoder().encode(holder)) ?? Data()
        data.append(0x0A)
        for _ in 0..<3 {
            let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, PrivateFiles.fileMode)
            guard fd >= 0 else {
                throw EngineError(.workspace, .io(.lock, path: url.path, reason: String(cString: strerror(errno))))
            }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
                close(fd)
                throw lockedError(self.holder(workspace: workspace), url: url)
            }
            // The previous holder may have removed the file between our open and our flock: then the
            // flock is on a file nobody else will look at. Start again on the file at the path.
            guard isStillAtPath(fd, url) else {
                close(fd)
                continue
            }
            let previous = readHolder(fd)
            if let previous, !previous.isStale {
                close(fd)
                throw lockedError(previous, url: url)
            }
            guard ftruncate(fd, 0) == 0, pwriteAll(fd, data), fsync(fd) == 0 else {
                close(fd)
                throw EngineError(.workspace, .io(.lock, path: url.path, reason: String(cString: strerror(errno))))
            }
            return WorkspaceLock(url: url, holder: holder, tookOverFrom: previous, descriptor: fd)
        }
        throw EngineError(.locked, .lockContended(lockFile: url.path))
    }

    /// The `flock` is held as long as this process lives, so the lock cannot lapse; it is still ours
    /// unless someone removed the file by hand and another run took it.
    public func renew() throws(EngineError) {
        let current = WorkspaceLock.holder(workspace: workspace)
        guard current == holder else { throw EngineError(.locked, .locked(holder: current, lockFile: url.path)) }
    }

    private var workspace: URL { url.deletingLastPathComponent().deletingLastPathComponent() }

    /// Removes the lock if it is still ours; the `flock` goes when the lock is released from memory.
    public func release() {
        if WorkspaceLock.holder(workspace: workspace) == holder {
            unlink(url.path)
        }
    }

    private static func lockedError(_ holder: LockHolder?, url: URL) -> EngineError {
        EngineError(.locked, .locked(holder: holder, lockFile: url.path))
    }

    private static func isStillAtPath(_ fd: Int32, _ url: URL) -> Bool {
        var open = stat(), atPath = stat()
        guard fstat(fd, &open) == 0, stat(url.path, &atPath) == 0 else { return false }
        return open.st_dev == atPath.st_dev && open.st_ino == atPath.st_ino
    }

    private static func readHolder(_ fd: Int32) -> LockHolder? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var offset: off_t = 0
        while true {
            let count = pread(fd, &buffer, buffer.count, offset)
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[..<count])
            offset += off_t(count)
        }
        guard !bytes.isEmpty else { return nil }
        // An unreadable holder (a torn write by a process that died) cannot be alive: it never
        // finished taking the lock, and its flock is gone since we hold ours.
        return try? JSONDecoder().decode(LockHolder.self, from: Data(bytes))
    }

    private static func pwriteAll(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = pwrite(fd, raw.baseAddress! + offset, raw.count - offset, off_t(offset))
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }
}
