import Foundation
import Testing

/// A step's process group that outlives a `kill -9` of Belay: `resume` waits for it (or ends it with
/// `--kill-orphans`) before deciding anything about the step, and the journal and the log agree.
@Suite struct OrphanTests {
    /// Step b kills Belay (its parent) with SIGKILL, then goes on working for a while, as a migration
    /// still inside its transaction would; it writes `b.done` only at its very end.
    static func playbook(workSeconds: String, timeout: String = "60s", verify: Bool = true) -> String {
        playbookText(phase("one", steps: tracedStep("a"), tracedStep(
            "b", run: "echo begin; kill -9 $PPID; sleep \(workSeconds); echo applied > b.done; echo finished",
            fields: (verify ? ["verify: 'test -f b.done'"] : []) + ["timeout: \(timeout)"])))
    }

    @Test func anImmediateResumeWaitsForTheOrphanThenLetsVerifyDecide() throws {
        let fixture = try RunFixture(playbook: Self.playbook(workSeconds: "2"))
        #expect(try fixture.run().status == SIGKILL)
        #expect(!fixture.exists("b.done"), "the orphan is still working")
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 0, "\(resumed.output)")
        #expect(resumed.stdout.contains("process group"), "\(resumed.stdout)")
        #expect(resumed.stdout.contains("Ctrl-C stops waiting"), "\(resumed.stdout)")
        // The orphan finished first: verify saw its work, nothing was compensated.
        #expect(fixture.traced == ["a:run", "b:run"])
        let journal = try fixture.journal()
        let events = journal.compactMap { $0["event"] as? String }
        let started = try #require(journal.first { $0["event"] as? String == "process_started" && $0["step"] as? String == "b" })
        let group = try #require(started["process_group"] as? Int)
        #expect(started["process_start"] is Int)
        let found = try #require(events.firstIndex(of: "orphan_found"))
        let ended = try #require(events.firstIndex(of: "orphan_ended"))
        let decided = try #require(journal.lastIndex { $0["event"] as? String == "step_succeeded" && $0["step"] as? String == "b" })
        #expect(found < ended && ended < decided)
        #expect(journal[ended]["process_group"] as? Int == group)
        #expect((journal[ended]["note"] as? String)?.contains("ended by itself") == true)
        // The log holds the orphan's whole output and the same words as the journal.
        let logPath = try #require(started["log"] as? String)
        let log = try #require(fixture.read(logPath))
        let foundNote = try #require(journal[found]["note"] as? String)
        let endedNote = try #require(journal[ended]["note"] as? String)
        #expect(log.contains("begin") && log.contains("finished"), "\(log)")
        #expect(log.contains(foundNote) && log.contains(endedNote), "\(log)")
        #expect(log.range(of: "finished")!.lowerBound < log.range(of: "ended by itself")!.lowerBound)
    }

    @Test func killOrphansTerminatesTheGroupAndTheStepIsCompensated() throws {
        let fixture = try RunFixture(playbook: Self.playbook(workSeconds: "30", verify: false))
        #expect(try fixture.run().status == SIGKILL)
        let clock = ContinuousClock.now
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path, "--kill-orphans"])
        #expect(ContinuousClock.now - clock < .seconds(20))
        #expect(resumed.status == 1, "\(resumed.output)")
        #expect(resumed.stdout.contains("terminating it as asked"), "\(resumed.stdout)")
        #expect(!fixture.exists("b.done"))
        #expect(fixture.traced == ["a:run", "b:run", "b:compensate", "a:compensate"])
        let ended = try #require(try fixture.journal().first { $0["event"] as? String == "orphan_ended" })
        #expect((ended["note"] as? String)?.contains("terminated as asked") == true)
    }

    @Test func theWaitIsBoundedByTheStepsRemainingTimeout() throws {
        let fixture = try RunFixture(playbook: Self.playbook(workSeconds: "60", timeout: "3s"))
        #expect(try fixture.run().status == SIGKILL)
        let clock = ContinuousClock.now
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(ContinuousClock.now - clock < .seconds(30))
        #expect(resumed.status == 1, "\(resumed.output)")
        let ended = try #require(try fixture.journal().first { $0["event"] as? String == "orphan_ended" }, "\(resumed.output)")
        #expect((ended["note"] as? String)?.contains("outlived its timeout") == true)
        #expect(!fixture.exists("b.done"))
    }
}
