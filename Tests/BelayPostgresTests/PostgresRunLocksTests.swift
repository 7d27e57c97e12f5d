import Belay
@testable import BelayPostgres
import Foundation
import Testing
import TestSupport

/// Locks with leases: one holder at a time, a lapsed lease taken over at a higher epoch, waiters
/// that give up when their wait runs out.
@Suite(.postgres)
struct PostgresRunLocksTests {
    @Test func aLiveHolderRefusesASecondTakerAndALapsedOneIsTakenOver() throws {
        let fixture = try StoreFixture()
        let a = try fixture.open("a", lock: "db"), b = try fixture.open("b", lock: "db")
        let first = try a.stores.locks.acquire(run: "r1")
        defer { first.release() }
        #expect { _ = try b.stores.locks.acquire(run: "r2") } throws: { error in
            guard case .locked(let holder?, _) = (error as? EngineError)?.problem else { return false }
            return holder.run == "r1"
        }
        // A's process froze: its lease runs out without a renewal.
        try fixture.psql("UPDATE belay_locks SET expires_at = now() - interval '1 second' WHERE name = 'db'")
        let second = try b.stores.locks.acquire(run: "r2")
        defer { second.release() }
        #expect(second.tookOverFrom?.run == "r1")
        let status = try #require(try b.locks.statuses(named: "db").first)
        #expect(status.epoch == 2 && status.holder?.run == "r2" && !status.lapsed)
        #expect(try fixture.psql("SELECT action FROM belay_lock_log WHERE name = 'db' ORDER BY id") == "acquire\ntakeover")
        // A's lease is gone for good: renewing it fails, releasing it frees nothing of B's.
        #expect(throws: EngineError.self) { try first.renew() }
        first.release()
        #expect(try b.locks.statuses(named: "db").first?.holder?.run == "r2")
    }

    @Test func aReleaseKeepsTheEpochSoTheNextHolderIsHigher() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open("a", lock: "epochs")
        try store.stores.locks.acquire(run: "r1").release()
        let next = try store.stores.locks.acquire(run: "r2")
        defer { next.release() }
        #expect(try store.locks.statuses(named: "epochs").first?.epoch == 2)
        #expect(store.locks.holder()?.run == "r2")
    }

    @Test func aWaiterWhoseWaitRunsOutIsToldWhoHoldsTheLock() async throws {
        let fixture = try StoreFixture()
        let a = try fixture.open("a", lock: "queue"), b = try fixture.open("b", lock: "queue")
        let held = try a.stores.locks.acquire(run: "r1")
        defer { held.release() }
        let reports = ReportLog()
        await #expect { try await b.locks.acquireWaiting(run: "r2", wait: .milliseconds(300)) { reports.add($0) } } throws: { error in
            (error as? EngineError)?.code == .locked
        }
        #expect(reports.all.first?.holder?.run == "r1")
        #expect(reports.all.first?.ahead == 0)
        // The ticket is gone with the waiter.
        #expect(try fixture.psql("SELECT count(*) FROM belay_lock_queue") == "0")
    }
}

final class ReportLog: @unchecked Sendable {
    private let lock = NSLock()
    private var reports: [PostgresRunLocks.QueueReport] = []
    func add(_ report: PostgresRunLocks.QueueReport) { lock.withLock { reports.append(report) } }
    var all: [PostgresRunLocks.QueueReport] { lock.withLock { reports } }
}
