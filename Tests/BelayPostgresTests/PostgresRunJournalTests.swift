import Belay
@testable import BelayPostgres
import Foundation
import Testing
import TestSupport

/// Journals in the store: appended in order, read by any runner, and fenced by the lock's epoch.
@Suite(.postgres)
struct PostgresRunJournalTests {
    @Test func eventsAppendInOrderAndReadBackFromAnotherWorkspace() throws {
        let fixture = try StoreFixture()
        let a = try fixture.open("a")
        let lock = try a.stores.locks.acquire(run: "r1")
        defer { lock.release() }
        let appender = try a.stores.journal.appender(run: "r1", creating: true, lastSeq: 0)
        let first = try appender.append([event(.runStarted), event(.phaseStarted)])
        #expect(first.map(\.seq) == [1, 2])
        #expect(try appender.append(event(.stepStarted, step: "s")).seq == 3)

        let b = try fixture.open("b")
        let read = try b.stores.journal.read(run: "r1")
        #expect(read.events.map(\.event) == [.runStarted, .phaseStarted, .stepStarted])
        #expect(read.events.map(\.seq) == [1, 2, 3])
        #expect(read.events[2].step == "s")
        #expect(b.stores.journal.runIDs() == ["r1"])
        #expect(try fixture.psql("SELECT DISTINCT lock_epoch FROM belay_events WHERE run_id = 'r1'") == "1")
    }

    @Test func aRunIsCreatedOnceAndAnUnknownOneIsNamed() throws {
        let fixture = try StoreFixture()
        let store = try fixture.open("a")
        let lock = try store.stores.locks.acquire(run: "r1")
        defer { lock.release() }
        _ = try store.stores.journal.appender(run: "r1", creating: true, lastSeq: 0)
        #expect { _ = try store.stores.journal.appender(run: "r1", creating: true, lastSeq: 0) } throws: { error in
            (error as? EngineError)?.problem == .runExists(runID: "r1")
        }
        #expect { _ = try store.stores.journal.read(run: "nope") } throws: { error in
            (error as? EngineError)?.code == .unknownRun
        }
    }

    @Test func anAppendAfterTheLockWasTakenAwayIsRefusedAndWritesNothing() throws {
        let fixture = try StoreFixture()
        let a = try fixture.open("a", lock: "fenced")
        let lock = try a.stores.locks.acquire(run: "r1")
        defer { lock.release() }
        let appender = try a.stores.journal.appender(run: "r1", creating: true, lastSeq: 0)
        try appender.append(event(.runStarted))

        let b = try fixture.open("b")
        let removed = try b.locks.forceRelease("fenced", note: "runner gone", by: "ana@test")
        #expect(removed??.run == "r1")
        #expect { try appender.append(event(.phaseStarted)) } throws: { error in
            guard case .fenced(let name, let epoch, _) = (error as? EngineError)?.problem else { return false }
            return name == "fenced" && epoch == 1
        }
        // The run's journal holds what was written before, and the release: nothing of the fenced append.
        let events = try b.stores.journal.read(run: "r1").events
        #expect(events.map(\.event) == [.runStarted, .lockReleased])
        #expect(events[1].by == "ana@test" && events[1].note == "runner gone" && events[1].lock == "fenced")
        let state = try b.stores.journal.read(run: "r1").state
        #expect(state.lockReleases.map(\.note) == ["runner gone"])
    }

    @Test func aDecisionBetweenRunsIsRefusedWhileAnotherProcessHoldsTheRun() throws {
        let fixture = try StoreFixture()
        let a = try fixture.open("a", lock: "busy")
        let lock = try a.stores.locks.acquire(run: "r1")
        try a.stores.journal.appender(run: "r1", creating: true, lastSeq: 0).append(event(.runStarted))
        // B holds no lease for r1: it may append only while nobody holds the run's lock.
        let b = try fixture.open("b")
        let fromB = try b.stores.journal.appender(run: "r1", creating: false, lastSeq: 1)
        #expect { try fromB.append(event(.warning)) } throws: { error in (error as? EngineError)?.code == .locked }
        lock.release()
        #expect(try fromB.append(event(.warning)).seq == 2)
    }
}
