import Belay
import Foundation
import Synchronization

/// A lock this process holds in the store: its name, its epoch (the fencing token) and the thread
/// that renews its lease.
///
/// Every acquisition raises the lock's epoch, so a holder's epoch names its tenure: a journal append
/// carries it and the store refuses one whose epoch is no longer current or whose lease lapsed. The
/// renewer pushes the expiry out every third of the lease; once a renewal finds the lock gone (a
/// takeover while this process was frozen, a forced release) it stops for good.
final class StoreLease: HeldRunLock, @unchecked Sendable {
    let name: String
    let epoch: Int
    let holder: LockHolder
    let tookOverFrom: LockHolder?
    private let session: StoreSession
    private let locks: PostgresRunLocks
    private let state = Mutex<(released: Bool, lost: Bool)>((false, false))

    init(name: String, epoch: Int, holder: LockHolder, tookOverFrom: LockHolder?, session: StoreSession, locks: PostgresRunLocks) {
        self.name = name
        self.epoch = epoch
        self.holder = holder
        self.tookOverFrom = tookOverFrom
        self.session = session
        self.locks = locks
    }

    var lease: Duration { session.address.lease }
    private var leaseSeconds: Int { Int(lease.components.seconds) }

    /// Starts renewing on a thread of its own (not the concurrency pool, whose threads may all be
    /// blocked on store queries).
    func startRenewing() {
        let thread = Thread { [self] in
            let period = max(0.2, Double(leaseSeconds) / 3)
            while true {
                Thread.sleep(forTimeInterval: period)
                guard state.withLock({ !$0.released && !$0.lost }) else { return }
                do { try renew() } catch let error as EngineError where error.code == .locked || error.problem.isFenced {
                    state.withLock { $0.lost = true }
                    return
                } catch {
                    continue  // unreachable for now: the lease lapses on its own if it stays so
                }
            }
        }
        thread.name = "belay lease \(name)"
        thread.start()
    }

    /// Pushes the expiry out, if the lock is still ours and its lease has not lapsed.
    func renew() throws(EngineError) {
        let rows = try session.query("""
            UPDATE belay_locks SET expires_at = now() + make_interval(secs => \(leaseSeconds))
            WHERE name = \(name) AND epoch = \(epoch) AND run_id = \(holder.run) AND expires_at > now()
            RETURNING epoch
            """)
        if rows.isEmpty { throw EngineError(.store, .fenced(lock: name, epoch: epoch, holder: locks.currentHolder(of: name))) }
    }

    /// Gives the lock up if it is still ours; the epoch stays, so the next holder's is higher.
    func release() {
        let first = state.withLock { state in
            defer { state.released = true }
            return !state.released
        }
        guard first else { return }
        locks.forget(self)
        _ = try? session.transaction { queries throws(EngineError) in
            let rows = try queries.rows("""
                UPDATE belay_locks SET run_id = NULL, pid = NULL, host = NULL, since = NULL, expires_at = NULL
                WHERE name = \(name) AND epoch = \(epoch) RETURNING epoch
                """)
            if !rows.isEmpty {
                try queries.rows("""
                    INSERT INTO belay_lock_log (name, epoch, action, run_id, pid, host)
                    VALUES (\(name), \(epoch), 'release', \(holder.run), \(Int(holder.pid)), \(holder.host))
                    """)
            }
        }
    }
}

extension EngineError.Problem {
    var isFenced: Bool {
        if case .fenced = self { true } else { false }
    }
}
