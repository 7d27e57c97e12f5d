import Foundation
import Testing
@testable import Belay

/// The engine on the in-memory stores: the same saga semantics with no `.belay/` journal, git
/// repository or lock file.
@Suite struct InMemoryStoresTests {
    @Test func aFailedRunIsCompensatedAndItsFilesRestored() async throws {
        let directory = try TemporaryDirectory()
        try "v1\n".write(to: directory.file("app.txt"), atomically: true, encoding: .utf8)
        let trace = Trace()
        let saga = Saga("deploy") {
            Phase("write") {
                Step("new-file", run: { ctx in
                    try "v2\n".write(to: ctx.workspace.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
                    try "x\n".write(to: ctx.workspace.appendingPathComponent("extra.txt"), atomically: true, encoding: .utf8)
                }, compensate: { _ in trace.add("undo new-file") })
            }
            Phase("fail") {
                Step("boom", run: { _ in throw Boom() })
            }
        }
        let stores = RunStores.inMemory(workspace: directory.url)
        let engine = Engine(workspace: directory.url, stores: stores)
        let outcome = try await engine.run(saga, options: RunOptions(runID: "m1"))
        guard case .compensated(let failure?) = outcome.result else {
            Issue.record("\(outcome.result)")
            return
        }
        #expect(failure.site.description == "fail/boom")
        #expect(trace.all == ["undo new-file"])
        #expect(try String(contentsOf: directory.file("app.txt"), encoding: .utf8) == "v1\n")
        #expect(!FileManager.default.fileExists(atPath: directory.file("extra.txt").path))
        #expect(!FileManager.default.fileExists(atPath: directory.file(".belay/runs/m1/journal.jsonl").path))
        #expect(!FileManager.default.fileExists(atPath: directory.file(".belay/git").path))
        #expect(stores.journal.runIDs() == ["m1"])
        #expect(try engine.state(of: "m1") == outcome.state)
        #expect(stores.locks.holder() == nil)
    }

    @Test func aRollbackToAPhaseGivesThatPointsFiles() async throws {
        let directory = try TemporaryDirectory()
        let saga = Saga("grow") {
            for name in ["one", "two", "three"] {
                Phase(name) {
                    Step("write", run: { ctx in
                        try name.write(to: ctx.workspace.appendingPathComponent("\(name).txt"), atomically: true, encoding: .utf8)
                    }, compensate: { _ in })
                }
            }
        }
        let engine = Engine(workspace: directory.url, stores: .inMemory(workspace: directory.url))
        #expect(try await engine.run(saga, options: RunOptions(runID: "m2")).result == .completed)
        let plan = try await engine.planRollback("m2", to: "one", saga: saga)
        #expect(plan.fileChanges.map(\.path).sorted() == ["three.txt", "two.txt"])
        let outcome = try await engine.rollback("m2", to: "one", saga: saga)
        #expect(outcome.result == .rolledBack(to: "one"))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.url.path).filter { $0.hasSuffix(".txt") }
        #expect(names == ["one.txt"])
    }

    @Test func aSecondRunWaitsForTheLock() async throws {
        let directory = try TemporaryDirectory()
        let locks = InMemoryRunLocks()
        let held = try locks.acquire(run: "first")
        let stores = RunStores(journal: InMemoryRunJournal(), points: NoRollbackPoints(), locks: locks)
        let engine = Engine(workspace: directory.url, stores: stores)
        let saga = Saga("s") { Phase("p") { Step("x", run: { _ in }) } }
        await #expect(throws: EngineError.self) { try await engine.run(saga, options: RunOptions(runID: "second")) }
        held.release()
        #expect(try await engine.run(saga, options: RunOptions(runID: "second")).result == .completed)
        await #expect(throws: EngineError.self) { try await engine.run(saga, options: RunOptions(runID: "second")) }
    }
}
