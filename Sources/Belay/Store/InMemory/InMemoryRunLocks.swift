import Foundation
import Synchronization

/// One holder at a time, in memory: held until released, never taken over.
public final class InMemoryRunLocks: RunLocks {
    private let current = Mutex<LockHolder?>(nil)

    public init() {}

    public func acquire(run: String) throws(EngineError) -> any HeldRunLock {
        let holder = LockHolder(run: run, pid: getpid(), host: WorkspaceLock.hostName, since: JournalClock.now())
        try current.withLock { current throws(EngineError) in
            if let existing = current { throw EngineError(.locked, .locked(holder: existing, lockFile: "memory")) }
            current = holder
        }
        return Held(locks: self, holder: holder)
    }

    public func holder() -> LockHolder? { current.withLock { $0 } }

    fileprivate func release(_ holder: LockHolder) {
        current.withLock { if $0 == holder { $0 = nil } }
    }

    private struct Held: HeldRunLock {
        let locks: InMemoryRunLocks
        let holder: LockHolder
        var tookOverFrom: LockHolder? { nil }

        func renew() throws(EngineError) {
            let now = locks.holder()
            guard now == holder else { throw EngineError(.locked, .locked(holder: now, lockFile: "memory")) }
        }

        func release() { locks.release(holder) }
    }
}
