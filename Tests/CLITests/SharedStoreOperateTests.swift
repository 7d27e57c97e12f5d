import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `approve`, `resolve` and `rehearse` with a shared store, from a second workspace copy.
extension SharedStoreTests {
    @Test func aRunWaitingOnAIsApprovedAndResumedOnB() throws {
        let (_, _, url) = try storeURL()
        let a = try RunFixture(playbook: approvalPlaybook()), b = try RunFixture(playbook: approvalPlaybook())
        let waiting = try a.run(["--store", url])
        #expect(waiting.status == 75, "\(waiting.output)")
        let approved = try b.belay(["approve", "r1", "--by", "ana", "--comment", "canary is green", "--store", url, "--workspace", b.workspace.path])
        #expect(approved.status == 0, "\(approved.output)")
        #expect(approved.stdout.contains("Next: belay resume r1 --workspace \(b.workspace.path) --store …"), "\(approved.stdout)")
        let log = try a.belay(["log", "r1", "--store", url, "--workspace", a.workspace.path])
        #expect(log.stdout.contains("ana"), "A sees B's decision: \(log.output)")
        // B is a fresh checkout without A's a.out: --force accepts that (the story of drift is tested elsewhere).
        let resumed = try whenUnlocked(b, ["resume", "r1", "--force", "--store", url, "--workspace", b.workspace.path])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(b.traced == ["b:run"])
        let recorded = try #require(try storedEvents("r1", a, url: url).first { $0["event"] as? String == "approval_recorded" })
        #expect(recorded["by"] as? String == "ana" && recorded["comment"] as? String == "canary is green")
    }

    @Test func aRunStuckOnAIsResolvedOnBAndFinishedThere() throws {
        let (_, _, url) = try storeURL()
        let text = sharedPlaybook(
            lock: "stuck",
            phase("one", steps: tracedStep("a", compensate: traceLine + #"; [ "${MACHINE:-}" != A ]"#)),
            phase("two", steps: tracedStep("b", run: "exit 1")))
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let stuck = try a.run(["--store", url], environment: ["MACHINE": "A"])
        #expect(stuck.status == 3, "\(stuck.output)")
        let resolved = try b.belay(
            ["resolve", "r1", "--step", "one/a", "--note", "undid a by hand", "--by", "bob", "--store", url, "--workspace", b.workspace.path])
        #expect(resolved.status == 0, "\(resolved.output)")
        let resumed = try whenUnlocked(b, ["resume", "r1", "--store", url, "--workspace", b.workspace.path])
        #expect(resumed.status == 1, "compensated: \(resumed.output)")
        #expect(b.traced.isEmpty, "nothing is compensated twice")
        let events = try storedEvents("r1", a, url: url)
        let resolution = try #require(events.first { $0["event"] as? String == "step_resolved" })
        #expect(resolution["by"] as? String == "bob" && resolution["note"] as? String == "undid a by hand")
        #expect(events.last?["event"] as? String == "run_compensated")
    }

    @Test func aRehearsalHoldsTheStoresLockAndKeepsItsRecordLocal() throws {
        let (_, _, url) = try storeURL(lease: "30s")
        let text = sharedPlaybook(
            lock: "rehearsed",
            phase("one", steps: tracedStep("a", run: #"[ "${MACHINE:-}" != A ] || { touch "$TRACE.started"; while [ ! -f "$TRACE.go" ]; do sleep 0.1; done; }"#)))
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let (run, out) = try start(a, ["run", a.playbook.path, "--run-id", "live", "--store", url], environment: ["MACHINE": "A"])
        defer { FileManager.default.createFile(atPath: a.trace.path + ".go", contents: nil) }
        #expect(waitFor(a.trace.path + ".started"), "\(said(out))")

        // The run holds the lock: a rehearsal of the same environment is refused, like a second run.
        let refused = try b.belay(["rehearse", b.playbook.path], environment: ["BELAY_STORE": url])
        #expect(refused.status == 4, "\(refused.output)")
        #expect(refused.stderr.contains("run live"), "\(refused.stderr)")
        #expect(b.traced.isEmpty)

        // With --lock-wait it waits its turn, then rehearses once the run is done.
        let (rehearsal, rehearsed) = try start(b, ["rehearse", b.playbook.path, "--store", url, "--lock-wait", "2m"])
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !said(rehearsed).contains("waiting for the lock rehearsed") { usleep(50_000) }
        #expect(said(rehearsed).contains("waiting for the lock rehearsed"), "\(said(rehearsed))")
        #expect(b.traced.isEmpty, "nothing rehearsed while the run holds the lock")
        FileManager.default.createFile(atPath: a.trace.path + ".go", contents: nil)
        run.waitUntilExit()
        #expect(run.terminationStatus == 0, "\(said(out))")
        rehearsal.waitUntilExit()
        #expect(rehearsal.terminationStatus == 0, "\(said(rehearsed))")
        #expect(said(rehearsed).contains("holding the lock rehearsed"), "\(said(rehearsed))")
        #expect(b.traced == ["a:run", "a:compensate"])
        // The record is the workspace's; the store's history holds the run only, and the lock is free.
        let records = try FileManager.default.contentsOfDirectory(atPath: b.workspace.appendingPathComponent(".belay/rehearsals").path)
        #expect(records.contains { $0.hasSuffix(".json") })
        let runs = try b.belay(["runs", "--store", url, "--workspace", b.workspace.path])
        #expect(runs.stdout.contains("live") && !runs.stdout.contains("rehearsal"), "\(runs.output)")
        #expect(try b.belay(["lock", "status", "rehearsed", "--store", url]).stdout.contains("free"))
    }
}
