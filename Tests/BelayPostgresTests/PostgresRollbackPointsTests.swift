import Belay
@testable import BelayPostgres
import Foundation
import Testing
import TestSupport

/// Rollback points travel through the store as packs: a workspace that never saw a run restores
/// its points exactly.
@Suite(.postgres)
struct PostgresRollbackPointsTests {
    @Test func aPointRecordedInOneWorkspaceIsRestoredExactlyInAnother() async throws {
        let fixture = try StoreFixture()
        let a = try fixture.open("a"), b = try fixture.open("b")
        let wsA = try fixture.workspace("a"), wsB = try fixture.workspace("b")
        try "one\n".write(to: wsA.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(at: wsA.appendingPathComponent("deep"), withIntermediateDirectories: true)
        try "x\n".write(to: wsA.appendingPathComponent("deep/x.txt"), atomically: true, encoding: .utf8)
        let start = try #require(try await a.stores.points.record(
            run: "r1", event: "start", phase: "start", point: "start", summary: nil, details: []))
        try "two\n".write(to: wsA.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
        let later = try #require(try await a.stores.points.record(
            run: "r1", event: "phase", phase: "one", point: "one", summary: nil, details: []))
        #expect(try fixture.psql("SELECT count(*) FROM belay_point_packs WHERE run_id = 'r1'") == "2")

        #expect(try await b.stores.points.point(run: "r1", name: "start") == start)
        #expect(try await b.stores.points.point(run: "r1", name: "one") == later)
        let restored = try await b.stores.points.restore(run: "r1", point: "start", event: "rollback")
        guard case .restored = restored else { Issue.record("nothing restored: \(restored)"); return }
        #expect(try String(contentsOf: wsB.appendingPathComponent("app.txt"), encoding: .utf8) == "one\n")
        #expect(try String(contentsOf: wsB.appendingPathComponent("deep/x.txt"), encoding: .utf8) == "x\n")
        let changes = try await b.stores.points.diff(run: "r1", from: "start", to: "one")
        #expect(changes.map(\.path) == ["app.txt"])
        // B's restore is a commit of the run's history too, so A sees it.
        #expect(try fixture.psql("SELECT count(*) FROM belay_point_packs WHERE run_id = 'r1'") == "3")
        #expect(try await a.stores.points.changesSinceLastCommit(run: "r1") == ["modified app.txt"])
    }
}
