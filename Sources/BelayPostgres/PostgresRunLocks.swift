import Belay
import Foundation
import PostgresNIO
import Synchronization

/// Environment locks in the store, with leases and fencing (docs/store.md).
///
/// A run locks the name its playbook gives (`lock:`), recorded with the run so that a resume or a
/// rollback from any machine takes the same lock. A live holder renews its lease; a lease that lapsed
/// is taken over by raising the epoch, and the takeover is logged. Runners that wait queue up by
/// ticket and take the lock in ticket order.
public final class PostgresRunLocks: RunLocks, @unchecked Sendable {
    let session: StoreSession
    /// The lock of runs that are not recorded yet.
    public let defaultName: String
    /// Leases this process holds, by run: the journal reads the epoch to fence its appends.
    private let held = Mutex<[String: StoreLease]>([:])
    /// Locks taken ahead of the engine (after waiting in the queue), handed over by `acquire`.
    private let ready = Mutex<[String: StoreLease]>([:])

    /// Waiters not seen for this long are gone (they refresh their ticket on every poll).
    static let waiterTimeout = 10

    init(session: StoreSession, defaultName: String) {
        self.session = session
        self.defaultName = defaultName
    }

    public func acquire(run: String) throws(EngineError) -> any HeldRunLock {
        if let lease = ready.withLock({ $0.removeValue(forKey: run) }) { return lease }
        return try take(run: run, name: try lockName(of: run), ticket: nil)
    }

    public func holder() -> LockHolder? { currentHolder(of: defaultName) }

    /// The lease this process holds for `run`, if any.
    func lease(of run: String) -> StoreLease? { held.withLock { $0[run] } }

    func forget(_ lease: StoreLease) {
        held.withLock { if $0[lease.holder.run] === lease { $0[lease.holder.run] = nil } }
    }

    /// The lock a run takes: the one it was recorded with, else the default.
    public func lockName(of run: String) throws(EngineError) -> String {
        let rows = try session.query("SELECT lock_name FROM belay_runs WHERE run_id = \(run)")
        return (try? rows.first?.decode(String.self)) ?? defaultName
    }

    /// Where a waiter stands.
    public struct QueueReport: Sendable, Hashable {
        public var lock: String
        /// Waiters ahead of this one.
        public var ahead: Int
        public var holder: LockHolder?
        /// The holder's lease expiry, UTC ISO 8601.
        public var expires: String?
    }

    /// Waits in the lock's queue for up to `wait`, then takes the lock for `run`; `engine.run` or
    /// `resume` then finds it taken. `report` hears each change of place in the queue.
    /// - Throws: `.locked` when the wait ran out.
    public func acquireWaiting(
        run: String, wait: Duration, report: @Sendable (QueueReport) -> Void
    ) async throws(EngineError) {
        let name = try lockName(of: run)
        let me = LockHolder(run: run, pid: getpid(), host: ProcessInfo.processInfo.hostName, since: "")
        let rows = try session.query("""
            INSERT INTO belay_lock_queue (name, run_id, pid, host) VALUES (\(name), \(run), \(Int(me.pid)), \(me.host))
            RETURNING ticket
            """)
        guard let ticket = try? rows.first?.decode(Int.self) else {
            throw session.inconsistent("no queue ticket returned")
        }
        defer { _ = try? session.query("DELETE FROM belay_lock_queue WHERE ticket = \(ticket)") }
        let deadline = ContinuousClock.now + wait
        var last: QueueReport?
        while true {
            do {
                let lease = try take(run: run, name: name, ticket: ticket)
                ready.withLock { $0[run] = lease }
                return
            } catch where error.code == .locked {
                if ContinuousClock.now >= deadline { throw error }
            }
            let ahead = try session.query("""
                UPDATE belay_lock_queue SET seen_at = now() WHERE ticket = \(ticket) RETURNING
                (SELECT count(*) FROM belay_lock_queue WHERE name = \(name) AND ticket < \(ticket)
                 AND seen_at > now() - make_interval(secs => \(Self.waiterTimeout)))::int8
                """)
            let status = status(of: name)
            let now = QueueReport(
                lock: name, ahead: (try? ahead.first?.decode(Int.self)) ?? 0, holder: status?.holder,
                expires: status?.expires)
            if now != last { report(now) }
            last = now
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Takes `name` for `run` in one transaction: free, or held under a lapsed lease (a takeover), and
    /// no live waiter queued ahead of `ticket`. The epoch goes up either way.
    private func take(run: String, name: String, ticket: Int?) throws(EngineError) -> StoreLease {
        let pid = getpid()
        let host = ProcessInfo.processInfo.hostName
        let lease = Int(session.address.lease.components.seconds)
        let taken = try session.transaction { queries throws(EngineError) -> (Int, String, LockHolder?) in
            try queries.rows("INSERT INTO belay_locks (name, epoch) VALUES (\(name), 0) ON CONFLICT DO NOTHING")
            let current = try queries.rows("""
                SELECT epoch, run_id, pid, host, \(unescaped: StoreTime.iso("since")), coalesce(expires_at <= now(), true)
                FROM belay_locks WHERE name = \(name) FOR UPDATE
                """)
            guard let row = current.first,
                  let (epoch, heldBy, heldPid, heldHost, heldSince, lapsed) =
                    try? row.decode((Int, String?, Int?, String?, String?, Bool).self)
            else { throw session.inconsistent("the lock row of \(name) is unreadable") }
            let previous = heldBy.map { LockHolder(run: $0, pid: Int32(heldPid ?? 0), host: heldHost ?? "", since: heldSince ?? "") }
            if let previous, !lapsed {
                throw EngineError(.locked, .locked(holder: previous, lockFile: "\(name) in \(session.address)"))
            }
            let ahead = try queries.rows("""
                SELECT count(*)::int8 FROM belay_lock_queue WHERE name = \(name) AND ticket < \(ticket ?? Int.max)
                AND seen_at > now() - make_interval(secs => \(Self.waiterTimeout))
                """)
            if ((try? ahead.first?.decode(Int.self)) ?? 0) > 0 {
                throw EngineError(.locked, .locked(holder: previous, lockFile: "\(name) in \(session.address) (others queue ahead)"))
            }
            let updated = try queries.rows("""
                UPDATE belay_locks SET epoch = epoch + 1, run_id = \(run), pid = \(Int(pid)), host = \(host),
                since = now(), expires_at = now() + make_interval(secs => \(lease))
                WHERE name = \(name) RETURNING epoch, \(unescaped: StoreTime.iso("since"))
                """)
            guard let (newEpoch, since) = try? updated.first?.decode((Int, String).self) else {
                throw session.inconsistent("the lock \(name) was not taken")
            }
            let action = previous == nil ? "acquire" : "takeover"
            let note = previous.map { "lease of \($0) lapsed (epoch \(epoch))" }
            try queries.rows("""
                INSERT INTO belay_lock_log (name, epoch, action, run_id, pid, host, note)
                VALUES (\(name), \(newEpoch), \(action), \(run), \(Int(pid)), \(host), \(note))
                """)
            return (newEpoch, since, previous)
        }
        let holder = LockHolder(run: run, pid: pid, host: host, since: taken.1)
        let held = StoreLease(name: name, epoch: taken.0, holder: holder, tookOverFrom: taken.2, session: session, locks: self)
        self.held.withLock { $0[run] = held }
        held.startRenewing()
        return held
    }

    /// The live holder of `name`, if any.
    func currentHolder(of name: String) -> LockHolder? {
        guard let status = status(of: name), !status.lapsed else { return nil }
        return status.holder
    }

    /// The live holder of `name`, read on a connection this thread already holds.
    func currentHolderUnlocked(_ queries: StoreSession.Queries, _ name: String) -> LockHolder? {
        let rows = try? queries.rows("""
            SELECT run_id, pid, host, \(unescaped: StoreTime.iso("since")) FROM belay_locks
            WHERE name = \(name) AND expires_at > now()
            """)
        guard let row = rows?.first, let (run, pid, host, since) = try? row.decode((String?, Int?, String?, String?).self),
              let run else { return nil }
        return LockHolder(run: run, pid: Int32(pid ?? 0), host: host ?? "", since: since ?? "")
    }

    /// A lock as the store has it.
    public struct Status: Sendable, Hashable {
        public var name: String
        public var epoch: Int
        public var holder: LockHolder?
        /// UTC ISO 8601; nil when free.
        public var expires: String?
        /// The holder's lease ran out: the next taker takes over.
        public var lapsed: Bool
        /// Runs waiting, first in line first.
        public var queue: [LockHolder]
    }

    func status(of name: String) -> Status? {
        (try? statuses(named: name))?.first
    }

    /// Every lock (or the one named), with its holder and queue.
    public func statuses(named: String? = nil) throws(EngineError) -> [Status] {
        let rows = try session.query("""
            SELECT name, epoch, run_id, pid, host, \(unescaped: StoreTime.iso("since")), \(unescaped: StoreTime.iso("expires_at")),
            coalesce(expires_at <= now(), false)
            FROM belay_locks WHERE name = coalesce(\(named)::text, name) ORDER BY name
            """)
        let waiters = try session.query("""
            SELECT name, run_id, pid, host, \(unescaped: StoreTime.iso("seen_at")) FROM belay_lock_queue
            WHERE seen_at > now() - make_interval(secs => \(Self.waiterTimeout)) ORDER BY ticket
            """)
        var queues: [String: [LockHolder]] = [:]
        for row in waiters {
            guard let (name, run, pid, host, seen) = try? row.decode((String, String, Int, String, String).self) else { continue }
            queues[name, default: []].append(LockHolder(run: run, pid: Int32(pid), host: host, since: seen))
        }
        return rows.compactMap { row in
            guard let (name, epoch, run, pid, host, since, expires, lapsed) =
                try? row.decode((String, Int, String?, Int?, String?, String?, String?, Bool).self) else { return nil }
            let holder = run.map { LockHolder(run: $0, pid: Int32(pid ?? 0), host: host ?? "", since: since ?? "") }
            return Status(name: name, epoch: epoch, holder: holder, expires: expires, lapsed: lapsed, queue: queues[name] ?? [])
        }
    }

    /// Frees `name` whoever holds it, raising the epoch so the holder can write nothing more, and logs
    /// who did it and why, in the lock's log and in the journal of the run that held it (a
    /// `lock_released` event). Returns the holder it removed, or nil when the store has no such lock.
    public func forceRelease(_ name: String, note: String, by who: String) throws(EngineError) -> LockHolder?? {
        try session.transaction { queries throws(EngineError) -> LockHolder?? in
            let rows = try queries.rows("""
                SELECT run_id, pid, host, \(unescaped: StoreTime.iso("since")) FROM belay_locks WHERE name = \(name) FOR UPDATE
                """)
            guard let row = rows.first else { return nil }
            let (run, pid, host, since) = (try? row.decode((String?, Int?, String?, String?).self)) ?? (nil, nil, nil, nil)
            let previous = run.map { LockHolder(run: $0, pid: Int32(pid ?? 0), host: host ?? "", since: since ?? "") }
            let epoch = try queries.rows("""
                UPDATE belay_locks SET epoch = epoch + 1, run_id = NULL, pid = NULL, host = NULL, since = NULL,
                expires_at = NULL WHERE name = \(name) RETURNING epoch
                """)
            let newEpoch = (try? epoch.first?.decode(Int.self)) ?? 0
            try queries.rows("""
                INSERT INTO belay_lock_log (name, epoch, action, run_id, pid, host, note)
                VALUES (\(name), \(newEpoch), 'force_release', \(previous?.run), \(Int(getpid())), \(who), \(note))
                """)
            if let previous { try journalRelease(queries, lock: name, run: previous.run, epoch: newEpoch, note: note, by: who) }
            return .some(previous)
        }
    }
}

extension PostgresRunLocks {
    /// Appends `lock_released` to `run`'s journal, if the store has the run. The lock's row is held
    /// for update, so no append of the run can slip in between (each one reads that row first).
    fileprivate func journalRelease(
        _ queries: StoreSession.Queries, lock: String, run: String, epoch: Int, note: String, by who: String
    ) throws(EngineError) {
        let last = try queries.rows("""
            SELECT coalesce(max(e.seq), 0)::int8 FROM belay_runs r LEFT JOIN belay_events e ON e.run_id = r.run_id
            WHERE r.run_id = \(run) GROUP BY r.run_id
            """)
        guard let seq = try? last.first?.decode(Int.self) else { return }
        var event = JournalEvent(event: .lockReleased)
        event.run = run
        event.lock = lock
        event.by = who
        event.note = note
        event.host = ProcessInfo.processInfo.hostName
        let stored = JournalEvent.numbered([event], after: seq)[0]
        try queries.rows("""
            INSERT INTO belay_events (run_id, seq, line, lock_epoch) VALUES (\(run), \(stored.seq), \(stored.jsonText.rendered()), \(epoch))
            """)
    }
}

/// Timestamps as the journal writes them: UTC, ISO 8601 with milliseconds.
enum StoreTime {
    static func iso(_ column: String) -> String {
        "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
    }
}
