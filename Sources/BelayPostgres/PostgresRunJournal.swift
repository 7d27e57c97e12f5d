import Belay
import Foundation
import PostgresNIO
import Synchronization

/// Runs' journals in the store: one row per event, the same JSON line the local journal writes.
///
/// An append is one transaction that first checks, under a share lock on the lock's row, that this
/// process still holds the run's lock at the epoch it was given and that its lease has not lapsed;
/// otherwise nothing is written (fencing). The commit makes the events durable and visible to every
/// runner.
public final class PostgresRunJournal: RunJournal, @unchecked Sendable {
    let session: StoreSession
    let locks: PostgresRunLocks
    let workspace: String

    init(session: StoreSession, locks: PostgresRunLocks, workspace: String) {
        self.session = session
        self.locks = locks
        self.workspace = workspace
    }

    public func appender(run: String, creating: Bool, lastSeq: Int) throws(EngineError) -> any JournalAppender {
        if creating {
            let name = locks.lease(of: run)?.name ?? locks.defaultName
            let rows = try session.query("""
                INSERT INTO belay_runs (run_id, lock_name, workspace) VALUES (\(run), \(name), \(workspace))
                ON CONFLICT DO NOTHING RETURNING run_id
                """)
            if rows.isEmpty { throw EngineError(.invalidSaga, .runExists(runID: run)) }
        }
        return Appender(journal: self, run: run, lastSeq: lastSeq)
    }

    public func read(run: String) throws(EngineError) -> JournalContents {
        let known = try session.query("SELECT workspace FROM belay_runs WHERE run_id = \(run)")
        guard !known.isEmpty else {
            throw EngineError(.unknownRun, .unknownRun(runID: run, workspace: session.address.description))
        }
        let rows = try session.query("SELECT line FROM belay_events WHERE run_id = \(run) ORDER BY seq")
        let text = rows.compactMap { try? $0.decode(String.self) }.joined(separator: "\n")
        let (events, ignored): ([JournalEvent], Int)
        do { (events, ignored) = try JournalReader.decode(Data((text.isEmpty ? "" : text + "\n").utf8)) } catch {
            throw EngineError(.journal, .journalDamaged(
                path: "\(session.address.description) (run \(run))", line: error.line, damage: error.damage))
        }
        return JournalContents(events: events, ignoredLines: ignored)
    }

    public func runIDs() -> [String] {
        let rows = (try? session.query("SELECT run_id FROM belay_runs ORDER BY created_at, run_id")) ?? []
        return rows.compactMap { try? $0.decode(String.self) }
    }

    /// Writes `events` if this process may: it holds the run's lock at a live epoch, or, for a run
    /// nobody holds (an approval or a resolution between runs), nobody holds its lock now.
    fileprivate func write(_ events: [JournalEvent], run: String, seq: borrowing Mutex<Int>) throws(EngineError) -> [JournalEvent] {
        let lease = locks.lease(of: run)
        return try seq.withLock { last throws(EngineError) -> [JournalEvent] in
            let stored = JournalEvent.numbered(events, after: last)
            try session.transaction { queries throws(EngineError) in
                let epoch = try fence(queries, run: run, lease: lease)
                for event in stored {
                    try queries.rows("""
                        INSERT INTO belay_events (run_id, seq, line, lock_epoch)
                        VALUES (\(run), \(event.seq), \(event.jsonText.rendered()), \(epoch))
                        """)
                }
            }
            last += stored.count
            return stored
        }
    }

    /// The epoch the append writes under, or why it may not write.
    private func fence(_ queries: StoreSession.Queries, run: String, lease: StoreLease?) throws(EngineError) -> Int {
        if let lease {
            let rows = try queries.rows("""
                SELECT epoch FROM belay_locks WHERE name = \(lease.name) AND epoch = \(lease.epoch)
                AND run_id = \(run) AND expires_at > now() FOR SHARE
                """)
            if rows.isEmpty {
                throw EngineError(.store, .fenced(lock: lease.name, epoch: lease.epoch, holder: locks.currentHolderUnlocked(queries, lease.name)))
            }
            return lease.epoch
        }
        let rows = try queries.rows("""
            SELECT l.epoch, l.run_id, l.pid, l.host, \(unescaped: StoreTime.iso("l.since")), coalesce(l.expires_at <= now(), true)
            FROM belay_runs r JOIN belay_locks l ON l.name = r.lock_name WHERE r.run_id = \(run) FOR SHARE OF l
            """)
        guard let row = rows.first,
              let (epoch, holder, pid, host, since, lapsed) = try? row.decode((Int, String?, Int?, String?, String?, Bool).self)
        else { return 0 }
        if let holder, !lapsed {
            let current = LockHolder(run: holder, pid: Int32(pid ?? 0), host: host ?? "", since: since ?? "")
            throw EngineError(.locked, .locked(holder: current, lockFile: "the store's lock of run \(run)"))
        }
        return epoch
    }

    private final class Appender: JournalAppender {
        let journal: PostgresRunJournal
        let run: String
        let seq: Mutex<Int>

        init(journal: PostgresRunJournal, run: String, lastSeq: Int) {
            self.journal = journal
            self.run = run
            self.seq = Mutex(lastSeq)
        }

        func append(_ events: [JournalEvent]) throws(EngineError) -> [JournalEvent] {
            try journal.write(events, run: run, seq: seq)
        }
    }
}
