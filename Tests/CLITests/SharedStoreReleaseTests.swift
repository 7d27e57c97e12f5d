import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `belay lock release --force --note` is part of the story of the run it took the lock from.
extension SharedStoreTests {
    @Test func aForcedReleaseIsInTheRunsJournalAndTheHolderWritesNoMore() throws {
        let (server, database, url) = try storeURL(lease: "30s")
        let text = sharedPlaybook(
            lock: "prod-db",
            phase("one", steps: tracedStep("slow", run: #"touch "$TRACE.started"; while [ ! -f "$TRACE.go" ]; do sleep 0.1; done"#, fields: ["idempotent: true"])),
            phase("two", steps: tracedStep("after")))
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let (process, out) = try start(a, ["run", a.playbook.path, "--run-id", "held", "--store", url])
        defer { FileManager.default.createFile(atPath: a.trace.path + ".go", contents: nil) }
        #expect(waitFor(a.trace.path + ".started"))

        let released = try b.belay(
            ["lock", "release", "prod-db", "--force", "--note", "runner ci-7 is being decommissioned", "--store", url],
            environment: ["USER": "ana"])
        #expect(released.status == 0 && released.stdout.contains("run held"), "\(released.output)")
        FileManager.default.createFile(atPath: a.trace.path + ".go", contents: nil)
        process.waitUntilExit()
        #expect(process.terminationStatus == 75, "the holder is fenced: \(said(out))")
        #expect(!a.traced.contains("after:run"))

        let status = try b.belay(["status", "held", "--store", url, "--workspace", b.workspace.path])
        #expect(status.stdout.contains("lock prod-db released by hand by ana@"), "\(status.output)")
        #expect(status.stdout.contains("runner ci-7 is being decommissioned"), "\(status.output)")
        let log = try b.belay(["log", "held", "--store", url, "--workspace", b.workspace.path])
        #expect(log.stdout.contains("released by hand by ana@") && log.stdout.contains("decommissioned"), "\(log.output)")
        let events = try storedEvents("held", b, url: url)
        let event = try #require(events.first { $0["event"] as? String == "lock_released" })
        #expect(event["lock"] as? String == "prod-db")
        #expect((event["by"] as? String)?.hasPrefix("ana@") == true)
        #expect(event["note"] as? String == "runner ci-7 is being decommissioned")
        #expect(event["time"] is String)
        // The lock's own log has it too.
        let logged = try server.psql("SELECT action, note FROM belay_lock_log WHERE name = 'prod-db' ORDER BY id", database: database)
        #expect(logged.contains("force_release|runner ci-7 is being decommissioned"), "\(logged)")
        // The run is resumable from B, and its story goes on after the release.
        FileManager.default.createFile(atPath: b.trace.path + ".go", contents: nil)
        let resumed = try b.belay(["resume", "held", "--store", url, "--workspace", b.workspace.path])
        #expect(resumed.status == 0, "\(resumed.output)")
    }
}
