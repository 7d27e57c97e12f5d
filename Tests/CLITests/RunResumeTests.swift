import Foundation
import Testing

/// `belay resume` end to end: crashes at every event boundary (BELAY_FAILPOINT), pauses, stuck runs.
@Suite struct RunResumeTests {
    /// Two phases of idempotent steps that leave a file each, so a resumed run can be checked.
    static let idempotent = playbookText(
        phase("one", steps: tracedStep("a", run: "touch a.done", fields: ["idempotent: true"]),
              tracedStep("b", run: "touch b.done", fields: ["idempotent: true"])),
        phase("two", steps: tracedStep("c", run: "touch c.done", fields: ["idempotent: true"])))

    @Test func aRunCrashedAtAnyEventBoundaryCompletesOnResume() throws {
        let clean = try RunFixture(playbook: Self.idempotent)
        #expect(try clean.run().status == 0)
        var boundaries: [String] = []
        var seen: [String: Int] = [:]
        for event in try clean.events() where event != "run_completed" {
            seen[event, default: 0] += 1
            boundaries.append("\(event):\(seen[event]!)")
        }
        #expect(boundaries.count >= 10)
        for failpoint in boundaries {
            let fixture = try RunFixture(playbook: Self.idempotent)
            let crashed = try fixture.run(environment: ["BELAY_FAILPOINT": failpoint])
            #expect(crashed.status == 137, "\(failpoint): \(crashed.stderr)")
            let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
            #expect(resumed.status == 0, "\(failpoint): \(resumed.stdout)\(resumed.stderr)")
            #expect(fixture.exists("a.done") && fixture.exists("b.done") && fixture.exists("c.done"), "\(failpoint)")
            let status = try fixture.belay(["status", "r1", "--workspace", fixture.workspace.path, "--json"])
            let object = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
            #expect(object?["status"] as? String == "completed", "\(failpoint)")
            let phases = object?["phases"] as? [[String: Any]] ?? []
            #expect(phases.allSatisfy { ($0["checkpoint"] as? String)?.count == 40 }, "\(failpoint)")
            let steps = phases.flatMap { $0["steps"] as? [[String: Any]] ?? [] }
            #expect(steps.map { $0["status"] as? String } == ["succeeded", "succeeded", "succeeded"], "\(failpoint)")
            let refs = try fixture.git(["for-each-ref", "--format=%(refname)", "refs/belay/points/r1/"])
            #expect(refs.split(separator: "\n").count == 3, "\(failpoint)")
            // Nothing ran twice except what the crash left without an outcome.
            #expect(fixture.traced.filter { $0.hasSuffix(":compensate") }.isEmpty, "\(failpoint)")
        }
    }

    @Test func aCrashedStepThatIsNotIdempotentCountsAsFailedAndIsCompensated() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a", fields: ["idempotent: true"]), tracedStep("b"))))
        #expect(try fixture.run(environment: ["BELAY_FAILPOINT": "step_started:2"]).status == 137)
        #expect(fixture.traced == ["a:run"])
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 1, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("interrupted by a crash"))
        #expect(fixture.traced == ["a:run", "b:compensate", "a:compensate"])
        #expect(try fixture.events().last == "run_compensated")
    }

    @Test func verifyDecidesTheOutcomeOfAStepKilledWhileRunning() throws {
        // The step does its work, then kills Belay itself (its parent) with SIGKILL.
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"),
                  tracedStep("b", run: "touch b.done; kill -9 $PPID; sleep 5", fields: ["verify: 'test -f b.done'"])),
            phase("two", steps: tracedStep("c"))))
        let crashed = try fixture.run()
        #expect(crashed.status == SIGKILL)  // Process reports the signal that ended it
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run"])
        let decided = try fixture.journal().first { $0["event"] as? String == "step_succeeded" && $0["step"] as? String == "b" }
        #expect((decided?["note"] as? String)?.contains("verify decided") == true)
    }

    @Test func aCrashDuringTheUnwindIsCarriedOnByResume() throws {
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b"), tracedStep("c", run: "exit 1"))))
        #expect(try fixture.run(environment: ["BELAY_FAILPOINT": "compensation_succeeded:1"]).status == 137)
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "c:compensate"])
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 1, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "c:compensate", "b:compensate", "a:compensate"])
        #expect(try fixture.events().suffix(2) == ["workspace_restored", "run_compensated"])
    }

    @Test func aStuckRunIsFinishedByResumeOnceTheCauseIsFixed() throws {
        let fixed = "fixed-\(UUID().uuidString)"
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"),
                  tracedStep("b", compensate: traceLine + #"; test -f "$TRACE.\#(fixed)""#),
                  tracedStep("c", run: "exit 1"))))
        #expect(try fixture.run().status == 3)
        // A change outside Belay makes resume refuse until --force.
        try "edited by hand\n".write(to: fixture.workspace.appendingPathComponent("app.txt"), atomically: true, encoding: .utf8)
        let refused = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("app.txt"))
        _ = FileManager.default.createFile(atPath: fixture.trace.path + "." + fixed, contents: nil)
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path, "--force"])
        #expect(resumed.status == 1, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "c:run", "c:compensate", "b:compensate", "b:compensate", "a:compensate"])
        #expect(try fixture.events().last == "run_compensated")
        #expect(fixture.read("app.txt") == "original\n")
    }

    @Test func aPausedRunRetriesItsFailedStepOnResume() throws {
        let flag = "ok-\(UUID().uuidString)"
        let fixture = try RunFixture(playbook: playbookText(
            phase("one", steps: tracedStep("a"), tracedStep("b", run: #"test -f "$TRACE.\#(flag)""#)),
            phase("two", steps: tracedStep("c"))))
        #expect(try fixture.run(["--on-failure", "pause"]).status == 75)
        let early = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(early.status == 75)
        _ = FileManager.default.createFile(atPath: fixture.trace.path + "." + flag, contents: nil)
        let resumed = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(fixture.traced == ["a:run", "b:run", "b:run", "b:run", "c:run"])
        let done = try fixture.belay(["resume", "r1", "--workspace", fixture.workspace.path])
        #expect(done.status == 2)
        #expect(done.stderr.contains("nothing to resume"))
    }
}
