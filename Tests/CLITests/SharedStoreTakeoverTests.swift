import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// A takeover of a lapsed lease applies the orphan rule: the step's process group is waited for when
/// it runs on this machine, and its outcome is unknown when it ran on another one.
extension SharedStoreTests {
    /// Step b holds on until the test creates `$GATE.go`, then writes `$GATE.done` (its verify).
    func orphanPlaybook(lock: String, verify: Bool) -> String {
        sharedPlaybook(
            lock: lock,
            phase("one", steps: tracedStep("a")),
            phase("two", steps: tracedStep(
                "b", run: #"touch "$GATE.started"; while [ ! -f "$GATE.go" ]; do sleep 0.1; done; touch "$GATE.done""#,
                fields: (verify ? [#"verify: 'test -f "$GATE.done"'"#] : []) + ["timeout: 120s"])))
    }

    /// Starts run r1 on A and kills A's Belay (not its step) once step b runs; returns once the lease lapsed.
    func startThenKillRunner(_ a: RunFixture, url: String, lock: String, environment: [String: String]) throws {
        let (process, out) = try start(a, ["run", a.playbook.path, "--run-id", "r1", "--store", url], environment: environment)
        #expect(waitFor(environment["GATE"]! + ".started"), "\(said(out))")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(try a.belay(["lock", "status", lock, "--store", url]).stdout.contains("lapsed")) {
            usleep(100_000)
        }
    }

    @Test func aTakeoverOnTheSameMachineWaitsForTheStepStillRunningThenVerifyDecides() throws {
        let (server, database, url) = try storeURL()
        let text = orphanPlaybook(lock: "orphan-here", verify: true)
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let gate = a.root.appendingPathComponent("gate").path
        defer { FileManager.default.createFile(atPath: gate + ".go", contents: nil) }
        try startThenKillRunner(a, url: url, lock: "orphan-here", environment: ["GATE": gate])

        let (resume, out) = try start(
            b, ["resume", "r1", "--store", url, "--workspace", b.workspace.path], environment: ["GATE": gate])
        let found = "SELECT count(*) FROM belay_events WHERE run_id = 'r1' AND line LIKE '%\"orphan_found\"%'"
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, try server.psql(found, database: database) == "0", resume.isRunning { usleep(100_000) }
        #expect(resume.isRunning, "the takeover waits for A's step: \(said(out))")
        FileManager.default.createFile(atPath: gate + ".go", contents: nil)
        resume.waitUntilExit()
        #expect(resume.terminationStatus == 0, "\(said(out))")
        #expect(said(out).contains("took over the lock") && said(out).contains("process group"), "\(said(out))")
        let events = try storedEvents("r1", b, url: url)
        let kinds = events.compactMap { $0["event"] as? String }
        let waited = try #require(kinds.firstIndex(of: "orphan_found"))
        let ended = try #require(kinds.firstIndex(of: "orphan_ended"))
        let decided = try #require(events.lastIndex { $0["event"] as? String == "step_succeeded" && $0["step"] as? String == "b" })
        #expect(waited < ended && ended < decided)
        #expect(!kinds.contains("orphan_elsewhere") && !kinds.contains("compensation_started"))
        #expect(b.traced.isEmpty, "nothing re-run: verify saw A's step finish")
    }

    @Test func aTakeoverFromAnotherMachineTreatsTheStepInFlightAsUnknown() throws {
        let (_, _, url) = try storeURL()
        let text = orphanPlaybook(lock: "orphan-there", verify: false)
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let gate = a.root.appendingPathComponent("gate").path
        defer { FileManager.default.createFile(atPath: gate + ".go", contents: nil) }
        try startThenKillRunner(a, url: url, lock: "orphan-there", environment: ["GATE": gate, "BELAY_MACHINE": "machine-a"])

        // B is another machine: it cannot see A's step, so the step counts as crashed mid-way; neither
        // idempotent nor verifiable, it is compensated, and so is everything before it.
        let resumed = try whenUnlocked(
            b, ["resume", "r1", "--store", url, "--workspace", b.workspace.path],
            environment: ["GATE": gate, "BELAY_MACHINE": "machine-b"])
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(resumed.stdout.contains("another machine (machine-a)") && resumed.stdout.contains("unknown"), "\(resumed.stdout)")
        #expect(b.traced == ["b:compensate", "a:compensate"])
        let log = try b.belay(["log", "r1", "--store", url, "--workspace", b.workspace.path])
        #expect(log.stdout.contains("another machine"), "\(log.output)")
        let kinds = try storedEvents("r1", b, url: url).compactMap { $0["event"] as? String }
        #expect(kinds.contains("orphan_elsewhere") && !kinds.contains("orphan_found"), "\(kinds)")
    }

    @Test func aRunnerKilledMidStepIsRolledBackFromBOnceItsLeaseLapsed() throws {
        let (_, _, url) = try storeURL()
        let text = sharedPlaybook(
            lock: "killed",
            phase("one", steps: tracedStep("a", run: "echo a > a.txt", compensate: traceLine + "; rm -f a.txt")),
            phase("two", steps: tracedStep(
                "b", run: #"if [ "${MACHINE:-}" = A ]; then echo $$ > "$TRACE.group"; touch "$TRACE.started"; sleep 60; fi"#)))
        let a = try RunFixture(playbook: text), b = try RunFixture(playbook: text)
        let (process, out) = try start(a, ["run", a.playbook.path, "--run-id", "r1", "--store", url], environment: ["MACHINE": "A"])
        #expect(waitFor(a.trace.path + ".started"), "\(said(out))")
        killMachine(process, group: a.trace.path + ".group")

        // Before the lease lapses the lock is A's; after, B takes it over and undoes the run.
        let rolled = try whenUnlocked(b, ["rollback", "r1", "--to", "start", "--force", "--store", url, "--workspace", b.workspace.path])
        #expect(rolled.status == 0, "\(rolled.output)")
        #expect(b.traced == ["b:compensate", "a:compensate"])
        #expect(!b.exists("a.txt"))
        let events = try storedEvents("r1", b, url: url)
        #expect(events.last?["event"] as? String == "run_rolled_back")
        let started = try #require(events.first { $0["event"] as? String == "rollback_started" })
        #expect((started["note"] as? String)?.contains("took over the lock left by run r1") == true, "\(started)")
    }
}
